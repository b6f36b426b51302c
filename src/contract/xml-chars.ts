/**
 * The XML 1.0 `Char` production (§2.2): tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD,
 * U+10000–U+10FFFF. Every string the bridge stores is made of these, whatever door it came in by,
 * so that every SOAP reader can read whatever one client stored (the spec's "Strings and transport").
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

export const isXmlCodePoint = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

export const codePointName = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` of `field` cannot be stored (its first non-XML character and where), or undefined. */
export function xmlTextProblem(field: string, value: string): string | undefined {
  const found = NOT_XML_CHAR.exec(value);
  if (!found) return undefined;
  return `${field} holds ${codePointName(found[0].codePointAt(0) ?? 0)} at position ${found.index + 1}, which is not an XML 1.0 character`;
}

/** Text for an answer that must stay XML whatever went wrong (a Fault quoting input): U+FFFD for each non-XML character. */
export const xmlSafe = (s: string): string => s.replace(NOT_XML_CHARS, '\uFFFD');

/** The first problem among named values (absent ones skipped), or undefined. */
export function xmlFieldsProblem(fields: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    const problem = value === undefined ? undefined : xmlTextProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}

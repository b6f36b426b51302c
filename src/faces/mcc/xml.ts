/** Escape text for an XML attribute or element (the WSDL address comes from the client's Host header). */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** JAXB names a type after its Java class with the first letter lowered (StartSessionResult → startSessionResult). */
export const jaxbName = (javaName: string) => javaName.charAt(0).toLowerCase() + javaName.slice(1);

import { enums, isEnumValue } from './enums.js';
import { operations, type OperationName, type RawRequest, type RequestField } from './operations.js';
import { xmlTextProblem } from './xml-chars.js';

/**
 * The schema-level checks of a request (what the XSD says: XML 1.0 characters, xs:int,
 * enumerations, single or repeated elements), shared by both faces. Business rules (which channel
 * exists, what a session id looks like, which fail reason answers a missing field) stay in the bridge.
 */

/**
 * A request no MCC operation can read (a character XML 1.0 cannot carry, an enum value outside its
 * type, …). Faces answer it as a soap:Client Fault or an HTTP 400; it never reaches the bridge.
 */
export class InvalidRequest extends Error {
  override readonly name = 'InvalidRequest';
}

const INT32 = /^\s*[+-]?\d{1,10}\s*$/;

/** An xs:int in lexical form and in the 32-bit range, or undefined. */
export function parseInt32(raw: string): number | undefined {
  if (!INT32.test(raw)) return undefined;
  const n = Number(raw.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** How strictly a face's wire is read. SOAP validates against its XSD; REST reads query strings as CXF + Jackson do. */
export interface WireRules {
  /** A non-integer where the schema says xs:int: refused, or passed on (REST: the bridge answers INVALID_CHANNEL_ID, as the spec says). */
  readonly ints: 'refuse' | 'pass';
  /** A single-valued field given more than once: refused, or its first value taken. */
  readonly repeats: 'refuse' | 'first';
  /** How a message names a field (SOAP says "element x"). */
  readonly name: (field: string) => string;
}

/** Every value the wire carried for each field, by field name; `undefined` is an explicit nil (xsi:nil), read as absent. */
export type WireValues = Readonly<Record<string, readonly (string | undefined)[]>>;

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** The request the bridge reads, or an InvalidRequest saying which field breaks the schema and how. */
export function schemaRequest<Op extends OperationName>(op: Op, values: WireValues, rules: WireRules): RawRequest<Op> {
  const request: Record<string, string | string[]> = {};
  for (const field of operations[op].request as readonly RequestField[]) {
    const given = Object.hasOwn(values, field.name) ? (values[field.name] ?? []) : [];
    for (const value of given) {
      const problem = value === undefined ? undefined : xmlTextProblem(rules.name(field.name), value);
      if (problem) throw new InvalidRequest(problem);
    }
    if (field.repeated) {
      if (given.length > 0) request[field.name] = given.filter((v): v is string => v !== undefined);
      continue;
    }
    if (given.length > 1 && rules.repeats === 'refuse') throw new InvalidRequest(`${rules.name(field.name)} may appear only once`);
    const value = given[0];
    if (value === undefined) continue;
    const blank = value.trim() === '';
    if (field.type === 'int' && !blank && rules.ints === 'refuse' && parseInt32(value) === undefined) {
      throw new InvalidRequest(`${rules.name(field.name)} must be an xs:int, got "${clip(value)}"`);
    }
    if (typeof field.type === 'object') {
      // An empty enum value is absent (the operation's default applies); any other must be in its enumeration.
      if (blank) continue;
      if (!isEnumValue(field.type.enum, value.trim())) {
        throw new InvalidRequest(`${rules.name(field.name)} must be one of ${enums[field.type.enum].join(', ')}, got "${clip(value)}"`);
      }
      request[field.name] = value.trim();
      continue;
    }
    request[field.name] = value;
  }
  return request as RawRequest<Op>;
}

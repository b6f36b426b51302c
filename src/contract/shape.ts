import { operationNames, operations, type OperationName, type ResultField, type Result } from './operations.js';

/**
 * The answers of both faces, built from the declared result fields of the operation and nothing
 * else, in contract order (the SOAP sequence, which REST/JSON follows too). Whatever else a Result
 * object carries never reaches a client. Each operation's writers are compiled once from its
 * declared fields (fast-json-stringify's idea): the answer is one concatenation of precomputed
 * names and escaped values, with no intermediate object and no generic serializer.
 */

/** A result as a writer reads it: by declared field name. */
type Values = Readonly<Record<string, unknown>>;

const XML_SPECIAL = /[&<>"'\r]/;
const XML_SPECIALS = /[&<>"'\r]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/**
 * Text as an XML element's content or attribute value. CR is written `&#13;`: a literal one would
 * reach readers as LF (XML end-of-line normalisation); the quotes are escaped too, as every writer
 * of this face always did.
 */
export const xmlText = (s: string): string => (XML_SPECIAL.test(s) ? s.replace(XML_SPECIALS, (c) => XML_ESCAPES[c] as string) : s);

/** One declared field's part of an answer (empty when the field has no value). */
type FieldWriter = (values: Values) => string;

/** A character JSON.stringify escapes in a string: anything but these (quote, backslash, controls, lone surrogates). */
const JSON_ESCAPED = /[^ !#-[\]-\uD7FF\uE000-\uFFFF]/;

/** A string as JSON.stringify writes it; one with nothing to escape (the common case) is only quoted. */
export const jsonString = (s: string): string => (JSON_ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`);

/** A value as JSON.stringify writes it. */
const jsonValue = (value: unknown): string => (typeof value === 'string' ? jsonString(value) : JSON.stringify(value));

function jsonField(field: ResultField, first: boolean): FieldWriter {
  const key = `${first ? '' : ','}${JSON.stringify(field.name)}:`;
  const { name } = field;
  return (values) => {
    const value = values[name];
    return value === undefined ? '' : key + jsonValue(value);
  };
}

function soapField(field: ResultField): FieldWriter {
  const { name } = field;
  const open = `<${name}>`;
  const close = `</${name}>`;
  if (field.type === 'serviceStateMap') {
    // JAXB's map shape: <entry><key/><value/></entry> per service code.
    return (values) => {
      const value = values[name];
      if (value === undefined) return '';
      let out = open;
      for (const [key, state] of Object.entries(value as Record<string, unknown>)) {
        out += `<entry><key>${xmlText(key)}</key><value>${xmlText(String(state))}</value></entry>`;
      }
      return out + close;
    };
  }
  return (values) => {
    const value = values[name];
    return value === undefined ? '' : open + xmlText(String(value)) + close;
  };
}

/** Concatenate the fields' parts in contract order. */
function concatenation(writers: readonly FieldWriter[]): (values: Values) => string {
  return (values) => {
    let out = '';
    for (const write of writers) out += write(values);
    return out;
  };
}

/**
 * JSON's comma goes before every field but the first present one: the first declared field
 * (`result`) is always there, so its writer alone omits it; should it be absent, the leading comma
 * of the next one is dropped.
 */
function jsonWriter(op: OperationName): (values: Values) => string {
  const body = concatenation(operations[op].result.fields.map((field, i) => jsonField(field, i === 0)));
  return (values) => {
    const fields = body(values);
    return `{${fields.startsWith(',') ? fields.slice(1) : fields}}`;
  };
}

const jsonWriters = Object.fromEntries(operationNames.map((op) => [op, jsonWriter(op)])) as Record<OperationName, (values: Values) => string>;
const soapWriters = Object.fromEntries(operationNames.map((op) => [op, concatenation(operations[op].result.fields.map(soapField))])) as Record<
  OperationName,
  (values: Values) => string
>;

/** The REST/JSON answer as its JSON text: fields that do not apply are left out (no nulls); `state` is an object. */
export function jsonAnswer<Op extends OperationName>(op: Op, result: Result<Op>): string {
  return jsonWriters[op](result);
}

/**
 * The children of the SOAP `return` element as XML text: text values, and the state map in JAXB's
 * `<entry><key/><value/></entry>` shape.
 */
export function soapReturn<Op extends OperationName>(op: Op, result: Result<Op>): string {
  return soapWriters[op](result);
}

import { operations, type OperationName, type Result } from './operations.js';

/**
 * The answers of both faces, built from the declared result fields of the operation and nothing
 * else, in contract order (the SOAP sequence, which REST/JSON follows too). Whatever else a Result
 * object carries never reaches a client.
 */

/** The declared fields that have a value, in contract order. */
function declared<Op extends OperationName>(op: Op, result: Result<Op>) {
  const values = result as Record<string, unknown>;
  return operations[op].result.fields.flatMap((field) => (values[field.name] === undefined ? [] : [{ field, value: values[field.name] }]));
}

/** The REST/JSON answer: fields that do not apply are left out (no nulls); `state` is an object. */
export function jsonAnswer<Op extends OperationName>(op: Op, result: Result<Op>): Record<string, unknown> {
  return Object.fromEntries(declared(op, result).map(({ field, value }) => [field.name, value]));
}

/**
 * The children of the SOAP `return` element, as an XML builder takes them: text values, and the
 * state map in JAXB's `<entry><key/><value/></entry>` shape.
 */
export function soapReturn<Op extends OperationName>(op: Op, result: Result<Op>): Record<string, unknown> {
  return Object.fromEntries(
    declared(op, result).map(({ field, value }) => [
      field.name,
      field.type === 'serviceStateMap' ? { entry: Object.entries(value as Record<string, string>).map(([key, v]) => ({ key, value: v })) } : String(value),
    ]),
  );
}

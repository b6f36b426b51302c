import { XMLBuilder } from 'fast-xml-parser';
import { operations, type OperationName, type Result } from '../../src/contract/index.js';
import { SOAP11_NS } from '../../src/faces/mcc/soap-envelope.js';

/**
 * The answers as the face wrote them before its writers were compiled: an object of the declared
 * fields in contract order, then JSON.stringify (REST) or fast-xml-parser's generic XMLBuilder
 * (SOAP). Kept here as the oracle the compiled writers are held against, byte for byte.
 */

function declared<Op extends OperationName>(op: Op, result: Result<Op>) {
  const values = result as Record<string, unknown>;
  return operations[op].result.fields.flatMap((field) => (values[field.name] === undefined ? [] : [{ field, value: values[field.name] }]));
}

export function genericJson<Op extends OperationName>(op: Op, result: Result<Op>): string {
  return JSON.stringify(Object.fromEntries(declared(op, result).map(({ field, value }) => [field.name, value])));
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false, format: false });

export function genericSoap<Op extends OperationName>(op: Op, result: Result<Op>, targetNamespace: string): string {
  const ret = Object.fromEntries(
    declared(op, result).map(({ field, value }) => [
      field.name,
      field.type === 'serviceStateMap' ? { entry: Object.entries(value as Record<string, string>).map(([key, v]) => ({ key, value: v })) } : String(value),
    ]),
  );
  const body = { [`ns2:${operations[op].soap}Response`]: { '@_xmlns:ns2': targetNamespace, return: ret } };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ 'soap:Envelope': { '@_xmlns:soap': SOAP11_NS, 'soap:Body': body } }).replaceAll('\r', '&#13;')}`;
}

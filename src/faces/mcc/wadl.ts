import { enums, operationNames, operations, type OperationDef } from '../../contract/index.js';
import { xmlEscape } from './xml.js';

/** The WADL of the REST/JSON face, rendered from the contract table as CXF's `?_wadl` lays it out. */
export const WADL_NS = 'http://wadl.dev.java.net/2009/02';

export function renderWadl({ base }: { base: string }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<application xmlns="${WADL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema">`,
    '<doc title="TVox MultiChannel Connector (MCC) REST/JSON, served by mcc-bridge"/>',
    `<resources base="${xmlEscape(base)}">`,
    '<resource path="/json">',
  ];
  for (const op of operationNames) {
    const { rest, request, doc } = operations[op];
    lines.push(`<resource path="${rest.path}">`, `<method name="${rest.method}" id="${op}">`, `<doc>${xmlEscape(doc)}</doc>`, '<request>');
    if (rest.method === 'PUT') {
      const fields = request.map((f) => `${f.name} (string${f.required ? ', required' : ''})`).join(', ');
      lines.push(`<representation mediaType="application/json"><doc>JSON object ${(rest as OperationDef['rest']).body ?? ''}: ${fields}</doc></representation>`);
    } else {
      for (const f of request) {
        const type = f.type === 'int' ? 'xs:int' : 'xs:string';
        const attrs = `name="${f.name}" style="query" type="${type}" required="${f.required}"${'repeated' in f && f.repeated ? ' repeating="true"' : ''}`;
        if (typeof f.type === 'object') {
          lines.push(`<param ${attrs}>`, ...enums[f.type.enum].map((v) => `<option value="${v}"/>`), '</param>');
        } else {
          lines.push(`<param ${attrs}><doc>${xmlEscape(f.doc)}</doc></param>`);
        }
      }
    }
    lines.push(
      '</request>',
      `<response status="200"><representation mediaType="application/json"><doc>${operations[op].result.type}</doc></representation></response>`,
      '</method>',
      '</resource>',
    );
  }
  lines.push('</resource>', '</resources>', '</application>', '');
  return lines.join('\n');
}

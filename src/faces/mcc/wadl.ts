import { enums, operationNames, operations, xmlText, type OperationDef, type RequestField } from '../../contract/index.js';

/**
 * The WADL of the REST/JSON face, rendered from the contract table, in the namespace CXF's
 * `?_wadl` serves (the final 2009 submission). The base ends in `/` and every resource path is
 * relative and top-level (`json/startSession`), so that a naive string join and an RFC 3986 merge
 * give the same URL, and consumers that read only top-level resources (python3-wadllib) find them
 * all. Query parameters and the fields of the JSON body are params (`query` and `plain` styles).
 */
export const WADL_NS = 'http://wadl.dev.java.net/2009/02';

function param(field: RequestField, style: 'query' | 'plain'): string[] {
  const type = field.type === 'int' ? 'xs:int' : 'xs:string';
  const attrs = `name="${field.name}" style="${style}" type="${type}" required="${field.required}"${field.repeated ? ' repeating="true"' : ''}`;
  if (typeof field.type === 'object') return [`<param ${attrs}>`, ...enums[field.type.enum].map((v) => `<option value="${v}"/>`), '</param>'];
  return [`<param ${attrs}><doc>${xmlText(field.doc)}</doc></param>`];
}

export function renderWadl({ base }: { base: string }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<application xmlns="${WADL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema">`,
    '<doc title="TVox MultiChannel Connector (MCC) REST/JSON, served by mcc-bridge"/>',
    `<resources base="${xmlText(base.endsWith('/') ? base : `${base}/`)}">`,
  ];
  for (const op of operationNames) {
    const { rest, request, doc, result } = operations[op];
    const fields = request as readonly RequestField[];
    lines.push(`<resource path="json${rest.path}">`, `<method name="${rest.method}" id="${op}">`, `<doc>${xmlText(doc)}</doc>`, '<request>');
    if (rest.method === 'PUT') {
      lines.push(
        '<representation mediaType="application/json">',
        `<doc>JSON object ${(rest as OperationDef['rest']).body ?? `${op}Request`}</doc>`,
        ...fields.flatMap((f) => param(f, 'plain')),
        '</representation>',
      );
    } else {
      lines.push(...fields.flatMap((f) => param(f, 'query')));
    }
    lines.push(
      '</request>',
      `<response status="200"><representation mediaType="application/json"><doc>${result.type}</doc></representation></response>`,
      '</method>',
      '</resource>',
    );
  }
  lines.push('</resources>', '</application>', '');
  return lines.join('\n');
}

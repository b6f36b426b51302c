import { enums, operationNames, operations, xmlText, type EnumName, type FieldType } from '../../contract/index.js';
import { jaxbName } from './xml.js';

/**
 * The WSDL, rendered from the contract table as Apache CXF (JAX-WS + JAXB) emits it for a
 * document/literal wrapped service: one inline schema with unqualified children, a wrapper
 * element per operation and per response holding `return`, enums as simpleTypes, Map<String,
 * ServiceState> in JAXB's entry/key/value shape, soapAction "".
 */
export const SERVICE_NAME = 'MultiChannelConnectorService';
export const PORT_NAME = 'MultiChannelConnectorPort';
export const PORT_TYPE_NAME = 'MultiChannelConnector';
export const BINDING_NAME = `${SERVICE_NAME}SoapBinding`;

const xsType = (t: Exclude<FieldType, 'serviceStateMap'>): string => (t === 'int' ? 'xs:int' : t === 'string' ? 'xs:string' : `tns:${jaxbName(t.enum)}`);

const STATE_MAP =
  '<xs:complexType><xs:sequence><xs:element name="entry" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>' +
  '<xs:element name="key" minOccurs="0" type="xs:string"/><xs:element name="value" minOccurs="0" type="tns:serviceState"/>' +
  '</xs:sequence></xs:complexType></xs:element></xs:sequence></xs:complexType>';

function fieldElement(name: string, type: FieldType, repeated = false): string {
  if (type === 'serviceStateMap') return `<xs:element name="${name}" minOccurs="0">${STATE_MAP}</xs:element>`;
  return `<xs:element name="${name}" type="${xsType(type)}" minOccurs="0"${repeated ? ' maxOccurs="unbounded"' : ''}/>`;
}

const enumsInUse = (): EnumName[] => {
  const used = new Set<EnumName>(['ServiceState']);
  for (const op of operationNames) {
    for (const f of [...operations[op].request, ...operations[op].result.fields]) if (typeof f.type === 'object') used.add(f.type.enum);
  }
  return (Object.keys(enums) as EnumName[]).filter((e) => used.has(e));
};

function schema(tns: string): string[] {
  // No namespace declarations here: `tns` and `xs` are in scope from <wsdl:definitions>, and a
  // redeclaration (legal XML) becomes a plain attribute in the JDK's identity transform, which a
  // validating JAX-WS client then rejects (s4s-att-not-allowed).
  const out = [`<xs:schema elementFormDefault="unqualified" targetNamespace="${tns}" version="1.0">`];
  for (const op of operationNames) {
    out.push(`<xs:element name="${op}" type="tns:${op}"/>`, `<xs:element name="${op}Response" type="tns:${op}Response"/>`);
  }
  for (const op of operationNames) {
    const def = operations[op];
    out.push(`<xs:complexType name="${op}"><xs:sequence>`);
    for (const f of def.request) out.push(fieldElement(f.name, f.type, 'repeated' in f && f.repeated));
    out.push('</xs:sequence></xs:complexType>');
    out.push(
      `<xs:complexType name="${op}Response"><xs:sequence>`,
      `<xs:element name="return" type="tns:${jaxbName(def.result.type)}" minOccurs="0"/>`,
      '</xs:sequence></xs:complexType>',
    );
  }
  const resultTypes = new Map(operationNames.map((op) => [operations[op].result.type, operations[op].result.fields] as const));
  for (const [type, fields] of resultTypes) {
    out.push(`<xs:complexType name="${jaxbName(type)}"><xs:sequence>`);
    for (const f of fields) out.push(fieldElement(f.name, f.type));
    out.push('</xs:sequence></xs:complexType>');
  }
  for (const e of enumsInUse()) {
    out.push(`<xs:simpleType name="${jaxbName(e)}"><xs:restriction base="xs:string">`);
    for (const v of enums[e]) out.push(`<xs:enumeration value="${v}"/>`);
    out.push('</xs:restriction></xs:simpleType>');
  }
  out.push('</xs:schema>');
  return out;
}

export function renderWsdl({ targetNamespace, address }: { targetNamespace: string; address: string }): string {
  const tns = xmlText(targetNamespace);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" ` +
      `xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${tns}" name="${SERVICE_NAME}" targetNamespace="${tns}">`,
    '<wsdl:documentation>TVox MultiChannel Connector (MCC), served by mcc-bridge</wsdl:documentation>',
    '<wsdl:types>',
    ...schema(tns),
    '</wsdl:types>',
  ];
  for (const op of operationNames) {
    lines.push(
      `<wsdl:message name="${op}"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>`,
      `<wsdl:message name="${op}Response"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`,
    );
  }
  lines.push(`<wsdl:portType name="${PORT_TYPE_NAME}">`);
  for (const op of operationNames) {
    lines.push(
      `<wsdl:operation name="${op}">`,
      `<wsdl:documentation>${xmlText(operations[op].doc)}</wsdl:documentation>`,
      `<wsdl:input name="${op}" message="tns:${op}"/>`,
      `<wsdl:output name="${op}Response" message="tns:${op}Response"/>`,
      '</wsdl:operation>',
    );
  }
  lines.push('</wsdl:portType>', `<wsdl:binding name="${BINDING_NAME}" type="tns:${PORT_TYPE_NAME}">`);
  lines.push('<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
  for (const op of operationNames) {
    lines.push(
      `<wsdl:operation name="${op}">`,
      '<soap:operation soapAction="" style="document"/>',
      `<wsdl:input name="${op}"><soap:body use="literal"/></wsdl:input>`,
      `<wsdl:output name="${op}Response"><soap:body use="literal"/></wsdl:output>`,
      '</wsdl:operation>',
    );
  }
  lines.push(
    '</wsdl:binding>',
    `<wsdl:service name="${SERVICE_NAME}">`,
    `<wsdl:port name="${PORT_NAME}" binding="tns:${BINDING_NAME}"><soap:address location="${xmlText(address)}"/></wsdl:port>`,
    '</wsdl:service>',
    '</wsdl:definitions>',
    '',
  );
  return lines.join('\n');
}

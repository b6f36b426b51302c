import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import soap from 'soap';
import { enums, operationNames, operations } from '../src/contract/index.js';
import { contractFiles, DEFAULT_WADL_BASE } from '../src/faces/mcc/contract-files.js';
import { WADL_NS } from '../src/faces/mcc/wadl.js';
import { jaxbName } from '../src/faces/mcc/xml.js';

/**
 * wsdl/ and wadl/ are what admins hand to tools; they must say exactly what the contract says.
 * The structure checks walk the contract table, so a field added there and not rendered fails.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const wsdlFile = join(root, 'wsdl', 'mcc.wsdl');
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (_n, _j, _l, attr) => !attr }).parse(xml);
const named = (nodes: any[] | undefined, name: string) => (nodes ?? []).find((n) => n.name === name);

describe('contract files', () => {
  it('wsdl/ and wadl/ are what the contract renders (else run `npm run generate`)', () => {
    for (const [path, text] of Object.entries(contractFiles())) {
      assert.equal(readFileSync(join(root, path), 'utf8'), text, `${path} drifted from src/contract: run \`npm run generate\``);
    }
  });

  describe('the WSDL', () => {
    const text = readFileSync(wsdlFile, 'utf8');
    const defs = parse(text)['wsdl:definitions'][0];
    const schema = defs['wsdl:types'][0]['xs:schema'][0];

    it('is well-formed', () => assert.equal(XMLValidator.validate(text), true));

    for (const op of operationNames) {
      it(`declares ${op}: elements, request fields, result fields, message, portType and binding operations`, () => {
        const def = operations[op];
        assert.ok(named(schema['xs:element'], op) && named(schema['xs:element'], `${op}Response`));
        const req = named(schema['xs:complexType'], op)['xs:sequence'][0]['xs:element'];
        assert.deepEqual(
          req.map((e: any) => e.name),
          def.request.map((f) => f.name),
          'request fields, in order',
        );
        for (const f of def.request) {
          const el = named(req, f.name);
          const want = f.type === 'int' ? 'xs:int' : f.type === 'string' ? 'xs:string' : `tns:${jaxbName(f.type.enum)}`;
          assert.equal(el.type, want, `${op}.${f.name} type`);
          assert.equal(el.minOccurs, '0');
          assert.equal(el.maxOccurs, 'repeated' in f && f.repeated ? 'unbounded' : undefined);
        }
        const ret = named(schema['xs:complexType'], `${op}Response`)['xs:sequence'][0]['xs:element'][0];
        assert.deepEqual([ret.name, ret.type], ['return', `tns:${jaxbName(def.result.type)}`]);
        const res = named(schema['xs:complexType'], jaxbName(def.result.type))['xs:sequence'][0]['xs:element'];
        assert.deepEqual(
          res.map((e: any) => e.name),
          def.result.fields.map((f) => f.name),
          'result fields, in order',
        );
        assert.ok(named(defs['wsdl:message'], op) && named(defs['wsdl:message'], `${op}Response`));
        assert.ok(named(defs['wsdl:portType'][0]['wsdl:operation'], op));
        const bound = named(defs['wsdl:binding'][0]['wsdl:operation'], op);
        assert.equal(bound['soap:operation'][0].soapAction, '');
      });
    }

    it('declares every enumeration with every value', () => {
      for (const [name, values] of Object.entries(enums)) {
        const t = named(schema['xs:simpleType'], jaxbName(name));
        assert.ok(t, `simpleType ${jaxbName(name)}`);
        assert.deepEqual(
          t['xs:restriction'][0]['xs:enumeration'].map((e: any) => e.value),
          [...values],
        );
      }
    });

    it('is loaded by node-soap with all 8 operations', async () => {
      const client = await soap.createClientAsync(wsdlFile);
      const ops = Object.keys(client.describe().MultiChannelConnectorService.MultiChannelConnectorPort).sort();
      assert.deepEqual(ops, [...operationNames].sort());
    });

    it('is loaded by zeep (strict) with all 8 operations', async () => {
      const py = `import zeep,sys\nc=zeep.Client(sys.argv[1], settings=zeep.Settings(strict=True))\nprint(" ".join(sorted(c.service._binding._operations.keys())))`;
      const { stdout } = await run('/usr/bin/python3', ['-c', py, wsdlFile]);
      assert.deepEqual(stdout.trim().split(' '), [...operationNames].sort());
    });

    it('is loaded by PHP SoapClient with all 8 operations', async () => {
      const php = '$c = new SoapClient($argv[1]); foreach ($c->__getFunctions() as $f) { preg_match("/ (\\\\w+)\\\\(/", $f, $m); echo $m[1], "\\n"; }';
      const { stdout } = await run('php', ['-r', php, wsdlFile]);
      assert.deepEqual(stdout.trim().split('\n').sort(), [...operationNames].sort());
    });
  });

  describe('the WADL', () => {
    const text = readFileSync(join(root, 'wadl', 'mcc.wadl'), 'utf8');
    const app = parse(text).application[0];

    it('is well-formed XML in the WADL namespace', () => {
      assert.equal(XMLValidator.validate(text), true);
      assert.equal(app.xmlns, WADL_NS);
    });

    it('has a base ending in / and relative paths: a naive join and an RFC 3986 merge agree', () => {
      const { base, resource } = app.resources[0];
      assert.match(base, /\/$/);
      for (const r of resource) {
        assert.doesNotMatch(r.path, /^\//);
        assert.equal(new URL(r.path, base).href, `${base}${r.path}`);
      }
    });

    it("lists all 8 resources with method, parameters (the JSON body's fields too), types, required and repeating", () => {
      const { base, resource: resources } = app.resources[0];
      for (const op of operationNames) {
        const def = operations[op];
        const resource = resources.find((r: any) => r.path === `json${def.rest.path}`);
        assert.ok(resource, `resource json${def.rest.path}`);
        assert.equal(`${base}${resource.path}`, `${DEFAULT_WADL_BASE}/json${def.rest.path}`);
        const method = resource.method[0];
        assert.equal(method.name, def.rest.method);
        const put = def.rest.method === 'PUT';
        const representation = put ? method.request[0].representation[0] : undefined;
        if (representation) assert.equal(representation.mediaType, 'application/json');
        const params = (representation ?? method.request[0]).param;
        assert.deepEqual(
          params.map((p: any) => p.name),
          def.request.map((f) => f.name),
        );
        for (const f of def.request) {
          const p = named(params, f.name);
          assert.equal(p.style, put ? 'plain' : 'query');
          assert.equal(p.type, f.type === 'int' ? 'xs:int' : 'xs:string');
          assert.equal(p.required, String(f.required));
          assert.equal(p.repeating, 'repeated' in f && f.repeated ? 'true' : undefined);
          if (typeof f.type === 'object')
            assert.deepEqual(
              p.option.map((o: any) => o.value),
              [...enums[f.type.enum]],
            );
        }
      }
    });
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { operationNames, operations } from '../src/contract/index.js';
import { refusalDef, refusals, type RefusalCode, type RefusalDef } from '../src/faces/mcc/refusals.js';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The catalog of HTTP-level refusals (src/faces/mcc/refusals.ts) against what the README says,
 * what the OpenAPI document declares, and what the face answers over real HTTP.
 */
const catalog = Object.entries(refusals) as Array<[RefusalCode, RefusalDef]>;
const faultName = (fault: string) => (fault === 'FailedAuthentication' ? 'wsse:' : 'soap:') + fault;

describe('the catalog of HTTP-level refusals', () => {
  it('is the README table, row for row', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### HTTP-level refusals'));
    const rows = section
      .slice(0, section.indexOf('\n### ', 5))
      .split('\n')
      .filter((l) => /^\| (\d{3}|—) \| `/.test(l))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    const expected = catalog.map(([code, def]) => [
      def.status === undefined ? '—' : String(def.status),
      `\`${code}\``,
      def.soap ? `\`${faultName(def.soap.fault)}\` (${def.soap.status})` : '—',
    ]);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 3)),
      expected,
    );
    for (const r of rows) assert.ok((r[3] ?? '').length > 10, `the README says when ${r[1]} is sent`);
  });

  it('is what the served OpenAPI document declares, on every operation that can send it', async () => {
    const b = await startTestBridge();
    try {
      const doc = await (await fetch(`${b.url}/mc/cxf/rest/openapi.json`)).json();
      const rest = catalog.filter(([, def]) => def.status !== undefined);
      const ofOperations = rest.filter(([, def]) => def.operations !== undefined);
      assert.deepEqual(
        Object.keys(doc.components.responses),
        ofOperations.map(([code]) => code),
      );
      assert.deepEqual(
        doc.components.schemas.Error.properties.error.enum,
        rest.map(([code]) => code),
      );
      // The refusals of other paths and methods are in the description, with their status.
      for (const [code, def] of rest.filter(([, d]) => d.operations === undefined))
        assert.ok(doc.info.description.includes(`HTTP ${def.status} \`${code}\``), code);
      for (const op of operationNames) {
        const { method, path } = operations[op].rest;
        const { responses } = doc.paths[path][method.toLowerCase()];
        const expected = Object.fromEntries(
          rest
            .filter(([, def]) => def.operations === 'all' || (def.operations === 'withBody' && method === 'PUT'))
            .map(([code, def]) => [String(def.status), { $ref: `#/components/responses/${code}` }]),
        );
        const { 200: ok, ...refused } = responses;
        assert.ok(ok, `${op} documents its result`);
        assert.deepEqual(refused, expected, op);
      }
    } finally {
      await b.close();
    }
  });

  describe('is how the face answers', () => {
    let b: TestBridge;
    let guarded: TestBridge;
    let limited: TestBridge;
    before(async () => {
      b = await startTestBridge({ server: { port: 0, host: '127.0.0.1', bodyLimit: 1024 } });
      guarded = await startTestBridge({ security: { apiKeys: [{ name: 'crm', key: 'k3y-0123456789abcdef' }] } });
      limited = await startTestBridge({ security: { rateLimit: { requestsPerSecond: 1, burst: 1 } } });
    });
    after(async () => {
      await Promise.all([b.close(), guarded.close(), limited.close()]);
    });

    const rest = async (code: RefusalCode, res: Response) => {
      assert.equal(res.status, refusalDef(code).status);
      assert.equal(((await res.json()) as { error: string }).error, code);
    };
    const soap = (code: RefusalCode, res: { status: number; text: string }) => {
      const def = refusalDef(code);
      assert.equal(res.status, def.soap?.status);
      assert.match(res.text, new RegExp(`<faultcode[^>]*>${faultName(def.soap?.fault ?? '')}</faultcode>`));
    };
    const big = 'x'.repeat(2000);
    const put = (body: string, type = 'application/json') =>
      fetch(`${b.url}/mc/cxf/rest/json/setSessionData`, { method: 'PUT', headers: { 'content-type': type }, body });

    // One case per code and face; `internal` has none: no request provokes a bug without a mock of our own code.
    const cases: Record<RefusalCode, { rest?: () => Promise<void>; soap?: () => Promise<void> } | 'no request provokes it'> = {
      bad_request: {
        rest: async () => rest('bad_request', await fetch(`${b.url}/mc/cxf/rest/json/closeSession?sessionId=x&reason=BECAUSE`)),
        soap: async () => soap('bad_request', await postSoap(b.url, envelope('<mcc:dropEverything/>'))),
      },
      unauthorized: {
        rest: async () => rest('unauthorized', await fetch(`${guarded.url}/mc/cxf/rest/json/checkSession?sessionId=x`)),
        soap: async () =>
          soap('unauthorized', await postSoap(guarded.url, envelope('<mcc:checkSessionState><sessionId>x</sessionId></mcc:checkSessionState>'))),
      },
      not_found: { rest: async () => rest('not_found', await fetch(`${b.url}/mc/cxf/rest/json/dropSession`)) },
      method_not_allowed: { rest: async () => rest('method_not_allowed', await fetch(`${b.url}/mc/cxf/rest/json/startSession`, { method: 'POST' })) },
      payload_too_large: {
        rest: async () => rest('payload_too_large', await put(JSON.stringify({ sessionId: 'x', sessionData: big }))),
        soap: async () =>
          soap('payload_too_large', await postSoap(b.url, envelope(`<mcc:checkSessionState><sessionId>${big}</sessionId></mcc:checkSessionState>`))),
      },
      unsupported_media_type: {
        rest: async () => rest('unsupported_media_type', await put('sessionId=x', 'application/x-www-form-urlencoded')),
        soap: async () => soap('unsupported_media_type', await postSoap(b.url, envelope(''), { 'content-type': 'application/json' })),
      },
      version_mismatch: {
        soap: async () =>
          soap('version_mismatch', await postSoap(b.url, '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>')),
      },
      must_understand: {
        soap: async () =>
          soap(
            'must_understand',
            await postSoap(
              b.url,
              '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><t:Transaction xmlns:t="urn:tx" s:mustUnderstand="1">5</t:Transaction></s:Header>' +
                '<s:Body><m:checkSessionState xmlns:m="http://ws.mcc.tvox.teleniasoft.com/"><sessionId>x</sessionId></m:checkSessionState></s:Body></s:Envelope>',
            ),
          ),
      },
      rate_limited: {
        rest: async () => {
          await fetch(`${limited.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { 'X-API-Key': 'rest-client' } });
          await rest('rate_limited', await fetch(`${limited.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { 'X-API-Key': 'rest-client' } }));
        },
        soap: async () => {
          await postSoap(limited.url, envelope(''), { 'X-API-Key': 'soap-client' });
          soap('rate_limited', await postSoap(limited.url, envelope(''), { 'X-API-Key': 'soap-client' }));
        },
      },
      internal: 'no request provokes it',
    };

    for (const [code, c] of Object.entries(cases) as Array<[RefusalCode, (typeof cases)[RefusalCode]]>) {
      if (typeof c === 'string') {
        it(`${code}: skipped, ${c}`);
        continue;
      }
      const def = refusalDef(code);
      it(`${code}: REST ${def.status ?? 'never'}, SOAP ${def.soap ? `${faultName(def.soap.fault)} (${def.soap.status})` : 'never'}`, async () => {
        assert.equal(c.rest !== undefined, def.status !== undefined, 'a REST case exactly when REST sends it');
        assert.equal(c.soap !== undefined, def.soap !== undefined, 'a SOAP case exactly when SOAP sends it');
        await c.rest?.();
        await c.soap?.();
      });
    }
  });
});

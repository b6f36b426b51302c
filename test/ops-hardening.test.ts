import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { stringify } from 'yaml';
import { startTestBridge } from './support/bridge.js';
import { eventually, guidOf } from './support/agent-faces.js';
import { mcc, spawnBridge, writeConfig } from './support/process.js';
import { selfSignedCertificate } from './support/tls.js';

/** Operations around the faces: metrics, TLS, draining on SIGTERM, reload on SIGHUP, the OpenAPI document. */
describe('operations', function () {
  this.timeout(60_000);

  it('exposes Prometheus metrics: requests by face/operation/result/failReason, latency, sessions and agents', async () => {
    const b = await startTestBridge();
    try {
      await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'm-1' });
      await b.rest('checkSessionState', { sessionId: 'nope' });
      await b.soap('checkSessionState', { sessionId: 'm-1' });
      await b.engine.agentLogin('alice', [1003], { initial: { ready: true } });
      const res = await fetch(`${b.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const text = await res.text();
      assert.match(text, /mcc_requests_total\{face="rest",operation="startSession",result="SUCCESS",fail_reason=""\} 1/);
      assert.match(text, /mcc_requests_total\{face="rest",operation="checkSessionState",result="FAILED",fail_reason="INVALID_SESSION_ID"\} 1/);
      assert.match(text, /mcc_requests_total\{face="soap",operation="checkSessionState",result="SUCCESS",fail_reason=""\} 1/);
      assert.match(text, /mcc_request_duration_seconds_bucket\{le="0\.1",face="soap",operation="checkSessionState"\} 1/);
      assert.match(text, /mcc_sessions\{status="NEW"\} 1/);
      assert.match(text, /mcc_agent_channels\{state="ready"\} 1/);
      assert.match(text, /mcc_bridge_process_resident_memory_bytes \d+/);
    } finally {
      await b.close();
    }
  });

  it('serves HTTPS with the configured key and certificate', async () => {
    const { key, cert } = selfSignedCertificate();
    const b = await startTestBridge({ server: { port: 0, host: '127.0.0.1', tls: { key, cert } } });
    try {
      assert.match(b.url, /^https:/);
      const wsdl = await new Promise<string>((resolve, reject) => {
        request(`${b.url}/mc/cxf/soap?wsdl`, { ca: readFileSync(cert) }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      assert.match(wsdl, /<soap:address location="https:\/\/127\.0\.0\.1:\d+\/mc\/cxf\/soap"\/>/);
    } finally {
      await b.close();
    }
  });

  it('SIGTERM lets an in-flight request finish, then the process exits cleanly', async () => {
    const config = writeConfig({
      faces: { huawei: { pollWaitSeconds: 1.5 } },
      embedded: {
        channels: [{ id: 1003, license: 10, services: [{ code: 'CHAT' }] }],
        agents: [{ username: 'a', password: 'pw-a', agentId: 301, skills: ['CHAT'] }],
      },
    });
    const p = await spawnBridge(config, { MCC_DATA_DIR: mkdtempSync(join(tmpdir(), 'mcc-drain-')) });
    const gw = `${p.url}/agentgateway/resource`;
    const signIn = await fetch(`${gw}/onlineagent/301/loginex`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'pw-a' }),
    });
    const guid = guidOf(signIn);
    for (let i = 0; i < 2; i++) await fetch(`${gw}/agentevent/301`, { headers: { Guid: guid } }).then((r) => r.json());
    // This poll waits 1.5 s for an event: it is in flight when SIGTERM comes.
    const inFlight = fetch(`${gw}/agentevent/301`, { headers: { Guid: guid } }).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    const answered = await inFlight;
    assert.equal(answered.status, 200);
    assert.equal(answered.body.retcode, '0');
    assert.equal(await p.exited, 0);
  });

  it('SIGHUP reloads channels, services and agents without dropping sessions; a bad file changes nothing', async () => {
    const doc = {
      server: { host: '127.0.0.1', port: 0 },
      logging: { level: 'warn' },
      store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-hup-')) },
      embedded: { channels: [{ id: 1003, license: 10, services: [{ code: 'CHAT' }] }], agents: [{ username: 'a', skills: ['CHAT'] }] },
    };
    const file = writeConfig(doc);
    const p = await spawnBridge(file);
    try {
      assert.equal((await mcc(p.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'kept' }))?.result, 'SUCCESS');
      assert.deepEqual((await mcc(p.url, 'getServiceState', { channelId: '1003', serviceCodes: 'NEWS' }))?.state, { NEWS: 'UNKNOWN_SERVICE' });
      writeFileSync(file, 'embedded: [this is not a configuration');
      p.child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await mcc(p.url, 'checkSession', { sessionId: 'kept' }))?.status, 'NEW', 'still serving after a bad file');
      doc.embedded.channels[0]!.services.push({ code: 'NEWS' });
      doc.embedded.agents.push({ username: 'b', skills: ['NEWS'] });
      writeFileSync(file, stringify(doc));
      p.child.kill('SIGHUP');
      await eventually(
        async () => (await mcc(p.url, 'getServiceState', { channelId: '1003', serviceCodes: 'NEWS' }))?.state?.NEWS === 'OUT_OF_SERVICE',
        5000,
        'NEWS known',
      );
      assert.equal(
        (await mcc(p.url, 'logoutAgentFromChannel', { channelId: '1003', agentUsername: 'b' }))?.failReason,
        'USER_NOT_LOGGED',
        'b is a known agent now',
      );
      assert.equal((await mcc(p.url, 'checkSession', { sessionId: 'kept' }))?.status, 'NEW', 'the session is still there');
      assert.equal((await mcc(p.url, 'startSession', { channelId: '1003', serviceid: 'NEWS' }))?.result, 'SUCCESS');
    } finally {
      await p.kill();
    }
  });

  it('serves a valid OpenAPI 3.1 document for the REST face, beside the WADL', async () => {
    const b = await startTestBridge();
    try {
      const doc = await (await fetch(`${b.url}/mc/cxf/rest/openapi.json`)).json();
      assert.equal(doc.openapi, '3.1.0');
      const api = (await SwaggerParser.validate(structuredClone(doc))) as any;
      // The eight MCC operations and the event stream of session changes.
      assert.equal(Object.keys(api.paths).length, 9);
      assert.ok(api.paths['/events'].get);
      assert.deepEqual(
        api.paths['/checkSession'].get.parameters.map((x: any) => x.name),
        ['sessionId'],
      );
      assert.equal(doc.servers[0].url, `${b.url}/mc/cxf/rest/json`);
    } finally {
      await b.close();
    }
  });
});

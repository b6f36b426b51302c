import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, basic, startFacesBridge } from './support/agent-faces.js';
import { artifact, launchChromium } from './support/browser.js';
import { JavaDemo } from './support/huawei-clients.js';

const OPS = { username: 'ops', password: 'ops-Secret-pw-1' };
const API_KEY = { name: 'portal', key: 'key-Secret-0123456789' };
const SECURITY = { security: { basic: [OPS], apiKeys: [API_KEY] } };
const AUTH = { authorization: basic(OPS.username, OPS.password) };
const ALICE = 201;

/** An MCC call over REST with the integrator's credentials. */
async function mcc(b: TestBridge, op: string, params: Record<string, string>): Promise<Record<string, any>> {
  const res = await fetch(`${b.url}/mc/cxf/rest/json/${op}?${new URLSearchParams(params)}`, { headers: AUTH });
  return (await res.json()) as Record<string, any>;
}

/** The first event of the page's stream, read as a browser would. */
async function firstEvent(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!/\n\nevent: snapshot\ndata: .*\n\n/s.test(text)) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return text;
}

/** The status badge of a session's row in the latest sessions, as the page shows it now. */
const sessionStatus = (page: Page, id: string) =>
  page.evaluate((sid) => document.querySelector(`#sessions a[data-session="${sid}"]`)?.closest('tr')?.querySelector('.badge')?.textContent ?? null, id);

/** Wait until the page shows `status` for the session; how long it took from now, ms. */
async function shows(page: Page, id: string, status: string): Promise<number> {
  const from = Date.now();
  await page
    .waitForFunction(
      (sid, st) => document.querySelector(`#sessions a[data-session="${sid}"]`)?.closest('tr')?.querySelector('.badge')?.textContent === st,
      { timeout: 1000, polling: 20 },
      id,
      status,
    )
    .catch(async () => assert.fail(`the page did not show ${id} as ${status} within a second (it shows ${await sessionStatus(page, id)})`));
  return Date.now() - from;
}

describe('the operator page /admin in headless Chromium', function () {
  this.timeout(60_000);
  let b: TestBridge;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    b = await startFacesBridge(SECURITY);
    browser = await launchChromium();
    page = await browser.newPage();
    // Anything the CSP refuses, and any script error, shows up here.
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => void problems.push(String(e)));
    page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`)));
    await page.authenticate(OPS);
    await page.setViewport({ width: 1366, height: 900 });
  });
  after(async () => {
    await browser?.close();
    await b?.close();
  });

  it('goes live, shows an agent signing in, a session started over REST and answered over the Huawei face, each within a second', async () => {
    const opened = await page.goto(`${b.url}/admin`, { waitUntil: 'load' });
    assert.equal(opened?.status(), 200);
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live', { timeout: 3000 });

    const alice = new JavaDemo(b.url, ALICE);
    assert.equal((await alice.forceLogin('alice-pw', '1001', false)).entity.retcode, '0');
    assert.equal((await alice.resetSkills()).entity.retcode, '0');
    await page.waitForFunction(() => /Alice Martin.*1003 ready 0\/2/s.test(document.getElementById('agents')?.textContent ?? ''), { timeout: 1000 });

    assert.equal((await mcc(b, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'web-7' })).result, 'SUCCESS');
    await shows(page, 'web-7', 'NEW');
    assert.equal((await mcc(b, 'sessionAccept', { sessionId: 'web-7' })).status, 'BOOKED');
    await shows(page, 'web-7', 'BOOKED');
    assert.equal((await alice.answer()).entity.retcode, '0');
    const took = await shows(page, 'web-7', 'ASSIGNED');
    assert.ok(took < 1000, `shown after ${took} ms`);
    const agents = await page.$eval('#agents', (el) => el.textContent ?? '');
    assert.match(agents, /Alice Martin.*1003 ready 1\/2.*web-7/s, 'alice holds the session on the page');
    const licenses = await page.$eval('#channels', (el) => el.textContent ?? '');
    assert.match(licenses, /1003.*1 \/ 5000/s);

    // Alice can take one more; the third waits in the CHAT queue, and the page counts its wait.
    for (const id of ['web-8', 'web-9']) {
      assert.equal((await mcc(b, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id })).result, 'SUCCESS');
      await mcc(b, 'sessionAccept', { sessionId: id });
    }
    await shows(page, 'web-9', 'QUEUED');
    await page.waitForFunction(() => /CHAT\s*ACTIVE\s*1\s*[1-9]\d* s/.test(document.getElementById('services')?.textContent ?? ''), { timeout: 2500 });
    await page.screenshot({ path: artifact('admin-laptop.png'), fullPage: true });
  });

  it('shows a session’s history on click: created, offered and assigned to the agent, with times', async () => {
    await page.click('#sessions a[data-session="web-7"]');
    await page.waitForFunction(() => !document.getElementById('history')?.hidden && /assigned/.test(document.getElementById('history')?.textContent ?? ''), {
      timeout: 2000,
    });
    const steps = await page.$$eval('#history .steps li', (items) => items.map((li) => li.textContent ?? ''));
    assert.deepEqual(
      steps.map((s) => s.replace(/^.*? (?=[a-z]+( ·|$))/, '')),
      ['created', 'offered · alice', 'assigned · alice'],
    );
    assert.ok(
      steps.every((s) => /\d{1,2}:\d{2}:\d{2}/.test(s)),
      `each step has its time: ${steps.join(' | ')}`,
    );
    await page.screenshot({ path: artifact('admin-history.png'), fullPage: true });

    for (const id of ['web-7', 'web-8', 'web-9']) assert.equal((await mcc(b, 'closeSession', { sessionId: id })).result, 'SUCCESS');
    await shows(page, 'web-7', 'CLOSED');
    await shows(page, 'web-9', 'CLOSED');
  });

  it('renders on a phone without horizontal scrolling', async () => {
    const phone = await browser.newPage();
    try {
      await phone.authenticate(OPS);
      await phone.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      await phone.goto(`${b.url}/admin`, { waitUntil: 'load' });
      await phone.waitForFunction(() => document.getElementById('live')?.textContent === 'live', { timeout: 3000 });
      const { scrollWidth, innerWidth } = await phone.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `the page is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
      await phone.screenshot({ path: artifact('admin-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('ran without a script error or a CSP refusal, each page on one event stream throughout', () => {
    assert.deepEqual(problems, []);
    const streams = b.logLines().filter((l) => l.message === 'request' && l.path === '/admin/events');
    assert.equal(streams.length, 2, 'the laptop page and the phone page each connected once');
  });
});

describe('the operator page over HTTP', () => {
  const routes = ['/admin', '/admin/events', '/admin/sessions/any', '/admin/admin.js', '/admin/admin.css', '/admin/icon.svg'];

  describe('with credentials configured', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge(SECURITY);
    });
    after(() => b.close());

    it('answers 401 with a Basic challenge without credentials or with wrong ones, on every route and spelling', async () => {
      for (const path of [...routes, '/ADMIN', '/admin/', '/Admin/Events']) {
        for (const headers of [{}, { authorization: basic(OPS.username, 'wrong') }, { 'x-api-key': 'not-a-key' }] as Array<Record<string, string>>) {
          const res = await fetch(`${b.url}${path}`, { headers });
          assert.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
          assert.equal(res.headers.get('www-authenticate'), 'Basic realm="mcc-bridge"');
          assert.equal((await res.json()).error, 'unauthorized');
        }
      }
    });

    it('serves the page, its stream and its assets to Basic or an API key, under a strict CSP', async () => {
      for (const headers of [AUTH, { 'x-api-key': API_KEY.key }] as Array<Record<string, string>>) {
        const res = await fetch(`${b.url}/admin`, { headers });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /script-src 'self'(;|$)/);
        const html = await res.text();
        assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
        assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
        assert.doesNotMatch(html, /https?:\/\//, 'no external asset');
      }
      assert.match(await (await fetch(`${b.url}/admin/admin.js`, { headers: AUTH })).text(), /EventSource/);
      assert.match(await firstEvent(`${b.url}/admin/events`, AUTH), /"sections":\{"channels":/);
    });

    it('shows nothing secret: no password, API key, customer data or contact', async () => {
      const started = await mcc(b, 'startSession', {
        channelId: '1003',
        serviceid: 'CHAT',
        sessionId: 'secret-1',
        data: 'card 4111-1111-1111-1111',
        contactValue: '+39 333 1234567',
        description: 'private note',
      });
      assert.equal(started.result, 'SUCCESS');
      const seen = [
        await (await fetch(`${b.url}/admin`, { headers: AUTH })).text(),
        await firstEvent(`${b.url}/admin/events`, AUTH),
        await (await fetch(`${b.url}/admin/sessions/secret-1`, { headers: AUTH })).text(),
        await (await fetch(`${b.url}/admin/sessions/secret-1?part=history`, { headers: AUTH })).text(),
      ].join('\n');
      assert.match(seen, /secret-1/, 'the session is shown');
      const secrets = [OPS.password, API_KEY.key, ...FACES_EMBEDDED.agents.map((a) => a.password), '4111-1111', '1234567', 'private note'];
      for (const secret of secrets) assert.ok(!seen.includes(secret), `the page shows ${secret}`);
    });

    it('answers 404 for a session the store does not know', async () => {
      assert.equal((await fetch(`${b.url}/admin/sessions/nope`, { headers: AUTH })).status, 404);
    });
  });

  it('is off with admin.enabled false: 404, with or without credentials', async () => {
    const b = await startFacesBridge({ ...SECURITY, admin: { enabled: false } });
    try {
      for (const path of routes) {
        for (const headers of [{}, AUTH]) assert.equal((await fetch(`${b.url}${path}`, { headers })).status, 404, path);
      }
    } finally {
      await b.close();
    }
  });

  it('ends its open streams when the bridge stops, not at the shutdown grace', async () => {
    const b = await startTestBridge();
    const res = await fetch(`${b.url}/admin/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
    const closing = Date.now();
    await b.close(5);
    for (;;) if ((await reader.read()).done) break;
    assert.ok(Date.now() - closing < 2000, `ended ${Date.now() - closing} ms after the close began`);
  });

  it('is open while no Basic user or API key is configured (the metrics’ rule); admin.protect overrides it', async () => {
    for (const [overrides, status] of [
      [{}, 200],
      [{ ...SECURITY, admin: { protect: false } }, 200],
      [{ security: { wsSecurity: { users: [OPS] } }, admin: { protect: false } }, 200],
      [{ security: { wsSecurity: { users: [OPS] } } }, 200],
    ] as const) {
      const b = await startTestBridge(overrides);
      try {
        assert.equal((await fetch(`${b.url}/admin`)).status, status, JSON.stringify(overrides));
      } finally {
        await b.close();
      }
    }
    await assert.rejects(startTestBridge({ admin: { protect: true } }), /admin\.protect: needs security\.basic or security\.apiKeys/);
  });
});

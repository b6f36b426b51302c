import { huaweiReasons, type Reason } from '../../../reasons/index.js';
import type { InteractionStatus } from '../../../contract/index.js';
import { own, type QueueState, type Submission, type VendorClient, type VendorLink, type VendorStatus } from '../client.js';
import { VendorError } from '../errors.js';

export interface HuaweiOptions {
  url: string;
  /** The bridge's work number and password. */
  agentId: string;
  password: string;
}

type Body = Record<string, unknown>;

/** A workno as the bridge names agents (the gateway sends it as a number or a string; absent or 0 is none). */
const workno = (v: unknown): string | undefined => ((typeof v === 'string' || typeof v === 'number') && v !== '' && v !== 0 ? String(v) : undefined);

const STATES: Record<string, InteractionStatus> = { Created: 'NEW', Queued: 'QUEUED', Alerting: 'BOOKED', Talking: 'ASSIGNED', Released: 'CLOSED' };

function dataOf(calldata: unknown): Record<string, string> | undefined {
  if (typeof calldata !== 'string' || calldata === '') return undefined;
  try {
    const parsed = JSON.parse(calldata) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Huawei CC-Gateway, as the bridge's own work number: sign-in (force sign-in when a previous run
 * left it signed in), the `Guid` header that rotates through `Set-GUID` on event polls, the poll
 * loop that is also the keep-alive (an agent that stops polling for 2 minutes is signed out), and
 * `retcode`s translated through the shared catalog. Multimedia calls are created in a skill queue,
 * followed through their call events, and counted with queryacdstat (huawei.md §3–§7).
 */
export class HuaweiClient implements VendorClient {
  readonly kind = 'huawei';
  private readonly base: string;
  private guid: string | undefined;
  private signingIn: Promise<void> | undefined;
  private stopped = false;
  private poller: AbortController | undefined;

  constructor(private readonly options: HuaweiOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/agentgateway/resource`;
  }

  // ------------------------------------------------------------------ session and events

  start(link: VendorLink): void {
    void this.pollLoop(link);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poller?.abort();
    if (this.guid) {
      await fetch(`${this.base}/onlineagent/${this.options.agentId}/logout`, {
        method: 'DELETE',
        headers: { Guid: this.guid },
        signal: AbortSignal.timeout(1000),
      }).catch(() => undefined);
    }
  }

  /** Poll forever: each answer carries at most one event; a failure signs in again after a pause. */
  private async pollLoop(link: VendorLink): Promise<void> {
    while (!this.stopped) {
      try {
        this.poller = new AbortController();
        const timeout = AbortSignal.timeout(15_000);
        const r = await this.request('GET', `/agentevent/${this.options.agentId}`, undefined, AbortSignal.any([this.poller.signal, timeout]));
        link.up();
        const event = r.event as Body | null | undefined;
        if (event) this.onEvent(event, link);
      } catch (e) {
        if (this.stopped) return;
        link.down(e instanceof Error ? e.message : String(e));
        await new Promise((res) => setTimeout(res, 500));
      }
    }
  }

  private onEvent(event: Body, link: VendorLink): void {
    const content = (event.content ?? {}) as Body;
    if (typeof content.callid !== 'string') return;
    if (event.eventType === 'AgentMediaCall_StateChange') {
      const status = own(STATES, String(content.state));
      if (status) link.event(content.callid, { status, agentId: workno(content.workno) });
    } else if (event.eventType === 'AgentMediaCall_DataChange') {
      // NEW leaves the status alone: only the data changed.
      link.event(content.callid, { status: 'NEW', userData: dataOf(content.calldata) });
    }
  }

  /** Sign in once for everyone waiting; a work number left signed in by a previous run is taken over. */
  private signIn(signal: AbortSignal): Promise<void> {
    this.signingIn ??= (async () => {
      try {
        const body = { password: this.options.password, autoanswer: false, status: 4 };
        let r = await this.raw('PUT', `/onlineagent/${this.options.agentId}/loginex`, body, signal);
        if (r.body.retcode === '100-002') r = await this.raw('PUT', `/onlineagent/${this.options.agentId}/forcelogin`, { ...body, phonenum: '' }, signal);
        this.check(r.body);
        const guid = r.setGuid;
        if (!guid) throw new SyntaxError('the sign-in answer has no Set-GUID');
        this.guid = guid;
      } finally {
        this.signingIn = undefined;
      }
    })();
    return this.signingIn;
  }

  // ------------------------------------------------------------------ operations

  async submit(s: Submission, signal: AbortSignal): Promise<string> {
    const r = await this.request(
      'POST',
      `/mediacall/${this.options.agentId}/createcall`,
      { skillid: Number(s.queue), caller: s.contact ?? '', calldata: JSON.stringify(s.userData) },
      signal,
    );
    const callid = (r.result as Body | undefined)?.callid;
    if (typeof callid !== 'string') throw new SyntaxError('the createcall answer has no callid');
    return callid;
  }

  async offer(vendorId: string, agentId: string, signal: AbortSignal): Promise<void> {
    await this.request('POST', `/mediacall/${this.options.agentId}/transfer`, { callid: vendorId, devicetype: 2, address: agentId }, signal, {
      '000-002': 'UNKNOWN_AGENT',
    });
  }

  async status(vendorId: string, signal: AbortSignal): Promise<VendorStatus> {
    const r = await this.request('GET', `/calldata/${this.options.agentId}/callinfo/${encodeURIComponent(vendorId)}`, undefined, signal);
    const info = (r.result ?? {}) as Body;
    const status = own(STATES, String(info.state));
    if (!status) throw new SyntaxError(`unknown call state ${String(info.state)}`);
    return { status, agentId: workno(info.workno), userData: dataOf(info.calldata) };
  }

  async setData(vendorId: string, data: Record<string, string>, signal: AbortSignal): Promise<void> {
    await this.request('PUT', `/calldata/${this.options.agentId}/appdata`, { callid: vendorId, calldata: JSON.stringify(data) }, signal);
  }

  async close(vendorId: string, signal: AbortSignal): Promise<void> {
    await this.request('POST', `/voicecall/${this.options.agentId}/dropcall/${encodeURIComponent(vendorId)}`, undefined, signal);
  }

  async queueState(queue: string, _media: string, signal: AbortSignal): Promise<QueueState> {
    const r = await this.request('POST', `/queuedevice/${this.options.agentId}/queryacdstat`, { skills: [Number(queue)] }, signal);
    const stat = ((r.result ?? []) as Body[]).find((x) => String(x.deviceNo) === queue);
    if (!stat) throw new VendorError('UNKNOWN_SERVICE', `skill ${queue} is not known to the CC-Gateway`);
    return { open: true, logged: Number(stat.loggedOnAgents ?? 0), ready: Number(stat.availAgents ?? 0) };
  }

  async logoutAgent(agentId: string, _media: string, signal: AbortSignal): Promise<void> {
    await this.request('DELETE', `/qualitycontrol/${this.options.agentId}/forcelogout/${encodeURIComponent(agentId)}`, undefined, signal, {
      '000-002': 'UNKNOWN_AGENT',
    });
  }

  // ------------------------------------------------------------------ HTTP

  /** A call with the current Guid; an expired Guid signs in again and tries once more. */
  private async request(method: string, path: string, body: Body | undefined, signal: AbortSignal, meaning: Record<string, Reason> = {}): Promise<Body> {
    for (let attempt = 0; ; attempt++) {
      if (!this.guid) await this.signIn(signal);
      const r = await this.raw(method, path, body, signal);
      if (r.setGuid) this.guid = r.setGuid; // dynamic authentication: switch to the new Guid
      if ((r.body.retcode === '000-003' || r.body.retcode === '100-006') && attempt === 0) {
        this.guid = undefined;
        continue;
      }
      return this.check(r.body, meaning);
    }
  }

  private check(body: Body, meaning: Record<string, Reason> = {}): Body {
    if (typeof body.retcode !== 'string') throw new SyntaxError('the CC-Gateway answer has no retcode');
    if (body.retcode !== '0') {
      throw new VendorError(
        own(meaning, body.retcode) ?? own(huaweiReasons, body.retcode) ?? 'INVALID_RESPONSE',
        `CC-Gateway retcode ${body.retcode}: ${String(body.message ?? '')}`,
      );
    }
    return body;
  }

  private async raw(method: string, path: string, body: Body | undefined, signal: AbortSignal): Promise<{ body: Body; setGuid?: string }> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
    if (this.guid) headers.Guid = this.guid;
    const res = await fetch(`${this.base}${path}`, { method, headers, signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`CC-Gateway answered HTTP ${res.status}`);
    const parsed = JSON.parse(text) as Body;
    const setGuid = res.headers.get('set-guid')?.replace(/^JSESSIONID=/i, '');
    return { body: parsed, ...(setGuid ? { setGuid } : {}) };
  }
}

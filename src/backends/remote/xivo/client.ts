import { EventEmitter, once } from 'node:events';
import WebSocket from 'ws';
import { xivoReasons } from '../../../reasons/index.js';
import type { InteractionStatus } from '../../../contract/index.js';
import { own, type QueueState, type Submission, type VendorClient, type VendorLink, type VendorStatus } from '../client.js';
import { VendorError } from '../errors.js';

export interface XivoOptions {
  url: string;
  login: string;
  password: string;
}

type Frame = { msgType: string; ctiMessage?: Record<string, unknown> };

const PHONE_STATES: Record<string, InteractionStatus> = {
  EventDialing: 'QUEUED',
  EventRinging: 'BOOKED',
  EventEstablished: 'ASSIGNED',
  EventReleased: 'CLOSED',
};
/** cti.js pings every 5 s and gives up after 3 silent intervals (xivo.md §2); so does the bridge. */
const PING_MS = 5000;
const SILENCE_MS = 15_000;
/** How long after LoggedOn a queue without statistics yet may still get them (they follow subscribeToQueueStats). */
const STATS_GRACE_MS = 2000;

/**
 * XiVO XUC, as the bridge's own (administrator) user: a token from /xuc/api/2.0/auth/login, the
 * CTI WebSocket with its ping heartbeat and reconnection (a new token when the old one is refused),
 * queue statistics followed from QueueStatistics, calls placed with dialFromQueue and followed
 * through PhoneEvents (correlated by the USR_mccSessionId variable), hangup to close, agentLogout
 * to log out. XUC answers commands only through events, so each operation waits for the event
 * that says it happened, or an error frame, within its deadline.
 */
export class XivoClient implements VendorClient {
  readonly kind = 'xivo';
  private readonly base: string;
  private ws: WebSocket | undefined;
  private token: string | undefined;
  private stopped = false;
  private readonly waiters = new Set<(f: Frame) => boolean>();
  private readonly queueStats = new Map<string, { logged: number; ready: number }>();
  /** Emits a queue id when its statistics arrive (subscribeToQueueStats answers one frame per queue, after LoggedOn). */
  private readonly statsArrived = new EventEmitter();
  /** When the link last came up: the statistics of every queue follow it shortly. */
  private loggedOnAt = 0;
  private readonly calls = new Map<string, VendorStatus>();
  private link: VendorLink | undefined;

  constructor(private readonly options: XivoOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  start(link: VendorLink): void {
    this.link = link;
    void this.connectLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ws?.terminate();
  }

  // ------------------------------------------------------------------ connection

  private async connectLoop(): Promise<void> {
    let pause = 250;
    while (!this.stopped) {
      try {
        await this.connectOnce();
        pause = 250;
      } catch (e) {
        this.link?.down(e instanceof Error ? e.message : String(e));
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 4000);
    }
  }

  private async login(): Promise<string> {
    const res = await fetch(`${this.base}/xuc/api/2.0/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: this.options.login, password: this.options.password }),
      signal: AbortSignal.timeout(5000),
    });
    const body = JSON.parse(await res.text()) as { token?: string; error?: string; message?: string };
    if (typeof body.token !== 'string')
      throw new VendorError(own(xivoReasons, body.error ?? '') ?? 'INVALID_RESPONSE', `XUC login failed: ${body.error ?? res.status}`);
    return body.token;
  }

  /** One WebSocket session, until it closes. */
  private async connectOnce(): Promise<void> {
    this.token ??= await this.login();
    const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/xuc/api/2.0/cti?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    let heard = Date.now();
    await new Promise<void>((resolve) => {
      const heartbeat = setInterval(() => {
        if (Date.now() - heard > SILENCE_MS) ws.terminate();
        else if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ claz: 'ping' }));
      }, PING_MS);
      ws.on('message', (raw) => {
        heard = Date.now();
        let frame: Frame;
        try {
          frame = JSON.parse(String(raw)) as Frame;
        } catch {
          // An unreadable frame may have been the answer someone waits for: tell them.
          for (const w of [...this.waiters]) if (w({ msgType: 'Unreadable' })) this.waiters.delete(w);
          return;
        }
        this.onFrame(ws, frame);
      });
      ws.on('error', () => undefined); // 'close' follows
      ws.on('close', () => {
        clearInterval(heartbeat);
        this.link?.down('XUC WebSocket closed');
        resolve();
      });
    });
  }

  private onFrame(ws: WebSocket, f: Frame): void {
    const m = f.ctiMessage ?? {};
    switch (f.msgType) {
      case 'LoggedOn':
        ws.send(JSON.stringify({ claz: 'web', command: 'subscribeToQueueStats' }));
        ws.send(JSON.stringify({ claz: 'web', command: 'subscribeToAgentEvents' }));
        this.loggedOnAt = Date.now();
        this.link?.up();
        break;
      case 'LoggedOnError':
        this.token = undefined; // log in again for a new token
        break;
      case 'QueueStatistics': {
        const prev = this.queueStats.get(String(m.queueId)) ?? { logged: 0, ready: 0 };
        for (const c of (m.counters ?? []) as Array<{ statName: string; value: number }>) {
          if (c.statName === 'LoggedAgents') prev.logged = Number(c.value);
          if (c.statName === 'AvailableAgents') prev.ready = Number(c.value);
        }
        this.queueStats.set(String(m.queueId), prev);
        this.statsArrived.emit(String(m.queueId));
        break;
      }
      case 'PhoneEvent': {
        const status = own(PHONE_STATES, String(m.eventType));
        if (!status || typeof m.uniqueId !== 'string') break;
        // The USR_ variables are fixed when the call is placed: the data the bridge keeps is newer.
        const st: VendorStatus = { status, agentId: m.agentId !== null && m.agentId !== undefined ? String(m.agentId) : undefined };
        this.calls.set(m.uniqueId, st);
        this.link?.event(m.uniqueId, st);
        break;
      }
      default:
        break;
    }
    for (const w of [...this.waiters]) if (w(f)) this.waiters.delete(w);
  }

  /** Send a command and wait for the frame that answers it (or an error frame) within the deadline. */
  private command<T>(args: Record<string, unknown>, signal: AbortSignal, answer: (f: Frame) => T | undefined): Promise<T> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('XUC is not connected'));
    return new Promise<T>((resolve, reject) => {
      const waiter = (f: Frame) => {
        if (f.msgType === 'Unreadable') {
          reject(new VendorError('INVALID_RESPONSE', 'XUC sent a frame that is not JSON'));
          return true;
        }
        // Errors carry no request id: an Error frame names its command; AgentError answers agent commands.
        const mine =
          f.msgType === 'Error'
            ? f.ctiMessage?.command === undefined || f.ctiMessage.command === args.command
            : f.msgType === 'AgentError' && String(args.command).startsWith('agent');
        if (mine) {
          const name = String(f.ctiMessage?.Error ?? '');
          reject(new VendorError(own(xivoReasons, name) ?? 'INVALID_RESPONSE', `XUC ${f.msgType} ${name}: ${String(f.ctiMessage?.message ?? '')}`));
          return true;
        }
        const value = answer(f);
        if (value === undefined) return false;
        resolve(value);
        return true;
      };
      this.waiters.add(waiter);
      signal.addEventListener(
        'abort',
        () => {
          this.waiters.delete(waiter);
          reject(signal.reason);
        },
        { once: true },
      );
      ws.send(JSON.stringify({ claz: 'web', ...args }));
    });
  }

  // ------------------------------------------------------------------ operations

  /** dialFromQueue has no reply: the PhoneEvent carrying our session id names the call. */
  submit(s: Submission, signal: AbortSignal): Promise<string> {
    const variables = Object.fromEntries(Object.entries(s.userData).map(([k, v]) => [k, v]));
    return this.command(
      { command: 'dialFromQueue', destination: s.contact ?? '', queueId: Number(s.queue), callerIdName: s.description ?? 'MCC', callerIdNumber: '', variables },
      signal,
      (f) =>
        f.msgType === 'PhoneEvent' && (f.ctiMessage?.userData as Record<string, unknown> | undefined)?.USR_mccSessionId === s.sessionId
          ? String(f.ctiMessage?.uniqueId as string)
          : undefined,
    );
  }

  /** XUC cannot send a call to a named agent. */
  offer(): Promise<void> {
    return Promise.reject(new VendorError('REQUEST_REJECTED', 'XiVO cannot route a call to a named agent; it goes to a free agent of its queue'));
  }

  /** XUC has no query for one call: what its PhoneEvents last said. */
  async status(vendorId: string): Promise<VendorStatus> {
    const known = this.calls.get(vendorId);
    if (!known) throw new VendorError('SERVICE_STATE_UNAVAILABLE', `no news of call ${vendorId} since the bridge connected`);
    return known;
  }

  /** XUC has no command to change a call's variables: the data stays in the bridge's store. */
  async setData(): Promise<void> {}

  close(vendorId: string, signal: AbortSignal): Promise<void> {
    return this.command({ command: 'hangup', uniqueId: vendorId }, signal, (f) =>
      f.msgType === 'PhoneEvent' && f.ctiMessage?.uniqueId === vendorId && f.ctiMessage.eventType === 'EventReleased' ? true : undefined,
    ).then(() => undefined);
  }

  async queueState(queue: string): Promise<QueueState> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new Error('XUC is not connected');
    let stats = this.queueStats.get(queue);
    // Right after a (re)connection the statistics may still be on their way: wait for them a little
    // rather than call a queue unknown that XUC has not reported yet.
    const grace = this.loggedOnAt + STATS_GRACE_MS - Date.now();
    if (!stats && grace > 0) {
      await once(this.statsArrived, queue, { signal: AbortSignal.timeout(grace) }).catch(() => undefined);
      stats = this.queueStats.get(queue);
    }
    if (!stats) throw new VendorError('UNKNOWN_SERVICE', `XUC reports no queue ${queue}`);
    return { open: true, ...stats };
  }

  logoutAgent(agentId: string, _media: string, signal: AbortSignal): Promise<void> {
    return this.command({ command: 'agentLogout', agentid: Number(agentId) }, signal, (f) =>
      f.msgType === 'AgentStateEvent' && String(f.ctiMessage?.agentId as string) === agentId && f.ctiMessage?.name === 'AgentLoggedOut' ? true : undefined,
    ).then(() => undefined);
  }
}

import type { WebSocket } from 'ws';
import type { AgentEvent } from '../../backends/agent-desk.js';
import type { XucSession } from './cti.js';
import { ownEvent } from './events.js';

/** Events read from the store per page when a socket catches up. */
const PAGE = 200;

/**
 * The user's own events through one CTI socket, exactly once across the sockets of its token
 * (issue 12 point 1). The token's agent session keeps a cursor: the last event the client is
 * proven to have received. A socket first sends what lies past the cursor (what a dropped socket
 * sent without proof, or what happened while none was open), then the live events.
 *
 * The proof is a WebSocket ping sent after the frames: the client's pong carries the ping's data
 * back, and a pong is only written once every frame before the ping has been read (RFC 6455
 * §5.5.2–5.5.3: frames arrive in order, a pong answers the ping it echoes; browsers and the `ws`
 * client answer pings by themselves, cti.js needs nothing). A socket that drops before its pong
 * leaves the cursor where it was, and the token's next socket sends those events again; one that
 * got its pong never sees them again.
 */
export class OwnEventDelivery {
  /** Everything up to here is proven received (the session's cursor). */
  private acked: number;
  /** The last event handed to the socket. */
  private sent: number;
  /** The cursor a ping in flight will prove, if any. */
  private probe: number | undefined;
  /** Events sent while catching up: the live feed may bring them again. */
  private readonly caughtUp = new Set<number>();
  private readonly start: number;

  constructor(
    private readonly s: XucSession,
    private readonly ws: WebSocket,
    private readonly token: string,
    cursor: number,
  ) {
    this.acked = this.sent = this.start = cursor;
    ws.on('pong', (data) => this.pong(data.toString()));
  }

  /** What lies past the cursor, oldest first. */
  async catchUp(): Promise<void> {
    const { engine } = this.s.face;
    for (let after = this.start; ;) {
      const page = await engine.agentEvents(this.s.user.username, after, PAGE);
      if (!page.ok) return; // the store is down: the live feed carries on, the cursor stays
      for (const e of page.value) {
        this.caughtUp.add(e.id);
        await this.send(e);
        after = e.id;
      }
      if (page.value.length < PAGE) return;
    }
  }

  /** A live event of the user. */
  async deliver(e: AgentEvent): Promise<void> {
    if (e.id <= this.start || this.caughtUp.has(e.id)) return;
    await this.send(e);
  }

  private async send(e: AgentEvent): Promise<void> {
    await ownEvent(this.s, e);
    this.sent = Math.max(this.sent, e.id);
    this.ask();
  }

  /** One ping in flight at a time; it proves everything sent before it. */
  private ask(): void {
    if (this.probe !== undefined || this.sent <= this.acked || this.ws.readyState !== this.ws.OPEN) return;
    this.probe = this.sent;
    this.ws.ping(String(this.probe));
  }

  private pong(data: string): void {
    if (this.probe === undefined || data !== String(this.probe)) return; // not the answer to our ping
    const proven = this.probe;
    this.probe = undefined;
    this.acked = proven;
    void this.s.face.engine.sessions.advanceCursor(this.token, proven).then((out) => {
      if (!out.ok) this.s.face.logger.warn('xuc cursor not saved', { username: this.s.user.username, reason: out.reason });
    });
    this.ask();
  }
}

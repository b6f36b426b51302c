import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { inProgress, type Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, ok, type Failure, type Outcome } from '../../reasons/index.js';
import type { ServiceEntry } from '../../backends/agent-desk.js';
import { EVERYONE } from '../agents/feed.js';
import { rightsOf, type Rights } from '../agents/rights.js';
import type { AgentSession } from '../../backends/agent-desk.js';
import { admitted, cutOff, XIVO_FACE } from './access.js';
import { commandNamed } from './commands.js';
import { OwnEventDelivery } from './delivery.js';
import { agentChanged } from './events.js';
import type { XivoFace } from './index.js';
import { hintsChanged } from './phone.js';
import { XUC_PROFILES } from './rights.js';
import { usersStatuses } from './statuses.js';
import { errorMessage, frame, groupIds, userIdOf, type Frame } from './wire.js';

/** The Error of a command XUC does not know (the wire's word; XUC's own text is not published). */
export const UNKNOWN_COMMAND = 'UnknownCommand';

export const CTI_PATH = '/xuc/api/2.0/cti';

/**
 * A new XUC CTI WebSocket (`/xuc/api/2.0/cti?token=…`): a session for the token's user, or
 * LoggedOnError and close, as newer XUC servers do (xivo.md §1.2). A token that opens nothing is a
 * failed authentication for the shared throttle (index.ts refuses the upgrade once it is spent).
 */
export async function openSession(face: XivoFace, ws: WebSocket, req: IncomingMessage, ip: string): Promise<void> {
  // cti.js starts its ping heartbeat at onopen and tells the page LinkStatusUpdate "opened", whose
  // handlers send their first commands then, before LoggedOn can arrive (../shared/reference/xivo.md
  // §2, from xucserver's app/assets/javascripts/cti.js). ws drops a frame that finds no listener,
  // so frames are held from the first instant until the session takes them.
  const early: string[] = [];
  const hold = (raw: WebSocket.RawData) => early.push(String(raw));
  ws.on('message', hold);
  const token = new URL(req.url ?? '', 'http://x').searchParams.get('token') ?? '';
  const session = token ? await face.engine.sessions.find(token, XIVO_FACE) : undefined;
  const user = session?.ok && admitted(face, session.value.username) ? face.directory.user(session.value.username) : undefined;
  if (!session?.ok || !user) {
    if (token) await face.security.throttle.failed(ip);
    ws.send(frame('LoggedOnError', { Error: 'loggedOnFailed' }));
    ws.close(1008, 'invalid token');
    return;
  }
  const s = new XucSession(face, ws, user, session.value);
  face.sessions.add(s);
  ws.on('close', () => {
    face.sessions.delete(s);
    s.close();
  });
  await s.start(early, hold);
}

/**
 * One user's CTI socket: frames `{claz:"web", command, …}` in, `{msgType, ctiMessage}` out
 * (xivo.md §2). Commands come from the table in commands.ts; what the user sees is filtered by
 * its profile. Frames and events are handled one at a time, in order; its own events are
 * delivered exactly once across its token's sockets (delivery.ts).
 */
export class XucSession {
  /** Agent groups, numbered as this session names them. */
  readonly groups: Map<string, number>;
  /** It asked for the callback lists: callback changes are broadcast to it. */
  callbacks = false;
  /** It subscribed to agent statistics. */
  stats = false;
  /** The last AgentStateEvent sent per agent, to send changes only. */
  readonly lastState = new Map<string, string>();
  /** Subscribed phone hints: number → the status last sent. */
  readonly hints = new Map<string, number | undefined>();
  /** Queue statistics last sent: queueId → counter → value. */
  readonly queueCounters = new Map<number, Map<string, number>>();
  /** Hold state last told per call. */
  readonly onHold = new Map<string, boolean>();
  /** It hears every visible agent's state (subscribeToAgentEvents, subscribeToAgentStats). */
  private agentEvents = false;
  private everyone = false;
  private ended = false;
  private readonly stops: Array<() => void> = [];
  private chain = Promise.resolve();
  private readonly own: OwnEventDelivery;

  constructor(
    readonly face: XivoFace,
    private readonly ws: WebSocket,
    readonly user: AgentConfig,
    session: AgentSession,
  ) {
    this.groups = groupIds(face.directory);
    this.own = new OwnEventDelivery(this, ws, session.token, session.cursor);
  }

  /** What the user may see and act on (../agents/rights.ts), from the roster as it is now (SIGHUP may change profiles). */
  get rights(): Rights {
    return rightsOf(this.face.directory.user(this.user.username) ?? this.user);
  }

  get watchesEveryone(): boolean {
    return this.agentEvents;
  }

  send(msgType: string, ctiMessage: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame(msgType, ctiMessage));
  }

  close(): void {
    this.ended = true;
    this.face.queueStats.unsubscribe(this);
    for (const stop of this.stops.splice(0)) stop();
  }

  /** The bridge is stopping, or the user is gone from the configuration: drop the socket too. */
  terminate(): void {
    this.close();
    this.ws.terminate();
  }

  /** Greet, start the feed, then take the frames: those that came while this was set up first, in order. */
  async start(early: readonly string[], hold: (raw: WebSocket.RawData) => void): Promise<void> {
    const { directory } = this.face;
    this.send('LoggedOn', {});
    this.send('RightProfile', { profile: XUC_PROFILES[this.rights.rank], rights: [] });
    // The fields xucserver's sample page reads from it (app/assets/javascripts/pages/sample.js
    // userConfigHandler): a numeric userId, and voicemail and forwards (none here: null destinations
    // leave the sample's forward boxes alone).
    this.send('UserConfigUpdate', {
      userId: userIdOf(this.user),
      agentId: this.user.agentId ?? null,
      fullName: directory.displayName(this.user),
      mobileNumber: null,
      voiceMailId: null,
      voiceMailEnabled: false,
      naFwdEnabled: false,
      naFwdDestination: null,
      uncFwdEnabled: false,
      uncFwdDestination: null,
      busyFwdEnabled: false,
      busyFwdDestination: null,
    });
    this.send('UsersStatuses', usersStatuses());
    // What the token's earlier sockets left unproven comes first, then the live events; the
    // catching up starts once the feed listens, so nothing falls between the two.
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    this.queue(() => ready.then(() => this.own.catchUp()));
    this.stops.push(await this.face.feed.on(this.user.username, (e) => this.queue(() => this.own.deliver(e))));
    listening();
    // One synchronous step: no frame can come between the held ones and the listener.
    this.ws.off('message', hold);
    for (const raw of early) this.queue(() => this.receive(raw));
    this.ws.on('message', (raw) => this.queue(() => this.receive(String(raw))));
  }

  /** From now on, hear every visible agent's state. */
  async watchAgents(): Promise<void> {
    this.agentEvents = true;
    await this.watchEveryone();
  }

  /** Every agent's events (agent states, phone hints). */
  async watchEveryone(): Promise<void> {
    if (this.everyone) return;
    this.everyone = true;
    this.stops.push(
      await this.face.feed.on(EVERYONE, (e) =>
        this.queue(async () => {
          if (this.agentEvents) await agentChanged(this, e);
          await hintsChanged(this, e);
        }),
      ),
    );
  }

  /**
   * Frames are handled one at a time, in order, events included. A user the configuration no
   * longer admits (removed or left without a password by a reload) is cut off before anything runs.
   */
  private queue(work: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => {
        if (this.ended) return;
        if (!admitted(this.face, this.user.username)) return cutOff(this.face, this.user.username);
        return work();
      })
      .catch((e: unknown) => {
        this.face.logger.warn('xuc frame failed', { username: this.user.username, error: e });
      });
  }

  /**
   * The session's one error boundary: a frame that is not a command answers Error; a command's
   * failure answers the error frame its table entry names (AgentError for agent commands).
   */
  private async receive(raw: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return this.error('Error', fail('INVALID_PARAMETER', 'the frame is not JSON'));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return this.error('Error', fail('INVALID_PARAMETER', 'a frame is a JSON object'));
    const f = parsed as Record<string, unknown>;
    // cti.js pings every 5 s and closes after 3 silent intervals: answer every ping.
    if (f.claz === 'ping') return this.send('Pong', {});
    if (typeof f.command !== 'string') return this.error('Error', fail('MISSING_PARAMETER', 'the frame has no command'));
    const command = commandNamed(f.command);
    // A well-formed frame naming a command XUC does not know is not malformed JSON: it is answered
    // as an unknown command, under Error (the generic "service answered abnormally" of cti.js).
    if (!command) return this.send('Error', { Error: UNKNOWN_COMMAND, message: `unknown command ${f.command}`, command: f.command });
    const out = await command.handle(this, f as Frame);
    if (out.ok) return;
    if (command.errors !== 'silent') return this.error(command.errors, out, f.command);
    this.face.logger.debug('xuc command failed, unanswered as in XUC', { username: this.user.username, command: f.command, reason: out.reason });
  }

  private error(msgType: string, f: Failure, command?: string): void {
    this.send(msgType, errorMessage(f, command));
  }

  // ------------------------------------------------------------------ what commands name

  /** The agent a command names (`agentid` / `agentId`), or the user's own; checked against the user's rights. */
  target(f: Frame): Outcome<AgentConfig> {
    const raw = f.agentid ?? f.agentId;
    if (raw === undefined || raw === null || raw === '') {
      return this.user.agentId !== undefined && this.user.profiles.includes('agent')
        ? ok(this.user)
        : fail('NOT_AN_AGENT', `${this.user.username} is not an agent`);
    }
    const id = Number(raw);
    const a = Number.isInteger(id) ? this.face.directory.agentById(id) : undefined;
    if (!a) return fail('UNKNOWN_AGENT', `no agent ${String(raw)}`);
    if (!this.rights.agent(a)) return fail('FORBIDDEN', `${this.user.username} may not act on agent ${id}`);
    return ok(a);
  }

  /** The queue a command names (`queueId`), if the user sees it. */
  queueOf(f: Frame): Outcome<ServiceEntry> {
    const s = this.face.directory.serviceByQueueId(Number(f.queueId));
    if (!s) return fail('UNKNOWN_SERVICE', `no queue ${String(f.queueId)}`);
    return this.rights.queue(s) ? ok(s) : fail('FORBIDDEN', `queue ${s.queueId} is outside the queues of ${this.user.username}`);
  }

  visibleAgents(): AgentConfig[] {
    const rights = this.rights;
    return this.face.directory.agents.filter((a) => a.agentId !== undefined && a.profiles.includes('agent') && rights.agent(a));
  }

  /** The queue ids an agent is a member of. */
  async memberQueues(username: string): Promise<number[]> {
    const m = await this.face.engine.queueMembership();
    if (!m.ok) return [];
    const codes = new Set(m.value.filter((x) => x.username === username).map((x) => x.serviceCode));
    return this.face.directory.services.filter((s) => codes.has(s.code)).map((s) => s.queueId);
  }

  /** The call an agent is talking on. */
  async currentCall(username: string): Promise<Outcome<Interaction>> {
    const held = await this.face.engine.heldInteractions(username);
    if (!held.ok) return held;
    const call = held.value.find(inProgress);
    return call ? ok(call) : fail('INVALID_STATE', `${username} is not on a call`);
  }
}

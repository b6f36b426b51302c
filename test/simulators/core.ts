import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

/**
 * The contact center inside every vendor simulator: queues, agents and interactions in memory,
 * with the routing a real platform does (a queued interaction is offered to a ready agent of its
 * queue with nothing in hand). It knows no wire protocol: genesys.ts, huawei.ts and xivo.ts are the
 * vendor skins over it. Independent of src/ on purpose: the adapters are tested against this, not
 * against the bridge's own engine.
 */

export type SimState = 'Created' | 'Queued' | 'Offered' | 'Handling' | 'Completed';

export interface SimInteraction {
  id: string;
  queue: string;
  media: string;
  state: SimState;
  agent?: string;
  userData: Record<string, string>;
  /** The account that created it (the bridge's service account) hears of every change. */
  creator: string;
  contact?: string;
  createdAt: number;
}

export interface SimAgent {
  id: string;
  password: string;
  /** Queues (names) the agent serves. */
  queues: string[];
  /** Phone line, where the skin has one. */
  line?: string;
  loggedIn: boolean;
  ready: boolean;
  reason?: string;
  /** Accept offers at once. */
  autoAnswer: boolean;
}

export interface SimQueue {
  name: string;
  /** Numeric id, where the skin numbers queues (Huawei skill id, XiVO queueId). */
  id: number;
  media: string;
  open: boolean;
}

export interface SimSetup {
  agents: Array<{ id: string; password: string; queues: string[]; line?: string }>;
  queues: Array<{ name: string; id: number; media: string; open?: boolean }>;
  /** Accounts that may act as the bridge (create interactions, read any, log agents out). */
  services: Array<{ id: string; password: string }>;
}

export class SimCenter extends EventEmitter {
  readonly agents = new Map<string, SimAgent>();
  readonly queues = new Map<string, SimQueue>();
  readonly services = new Map<string, string>();
  readonly interactions = new Map<string, SimInteraction>();

  constructor(setup: SimSetup) {
    super();
    for (const a of setup.agents) this.agents.set(a.id, { ...a, loggedIn: false, ready: false, autoAnswer: false });
    for (const q of setup.queues) this.queues.set(q.name, { ...q, open: q.open ?? true });
    for (const s of setup.services) this.services.set(s.id, s.password);
  }

  /** 'agent', 'service' or undefined for bad credentials. */
  authenticate(id: string, password: string): 'agent' | 'service' | undefined {
    if (this.services.get(id) === password) return 'service';
    if (this.agents.get(id)?.password === password) return 'agent';
    return undefined;
  }

  create(creator: string, queue: string, userData: Record<string, string>, contact?: string): SimInteraction {
    const q = this.queues.get(queue);
    const i: SimInteraction = {
      id: randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      queue,
      media: q?.media ?? 'chat',
      state: 'Created',
      userData: { ...userData },
      creator,
      ...(contact !== undefined ? { contact } : {}),
      createdAt: Date.now(),
    };
    this.interactions.set(i.id, i);
    this.changed(i);
    return i;
  }

  enqueue(i: SimInteraction, queue = i.queue): void {
    i.queue = queue;
    i.state = 'Queued';
    delete i.agent;
    this.changed(i);
    this.route();
  }

  /** Offer to a named agent (the "accept on behalf of" of the adapters). */
  offerTo(i: SimInteraction, agentId: string): string | undefined {
    const a = this.agents.get(agentId);
    if (!a) return 'unknown agent';
    if (!a.loggedIn) return 'agent not logged in';
    if (this.busy(agentId)) return 'agent busy';
    this.offer(i, a);
    return undefined;
  }

  accept(i: SimInteraction, agentId: string): string | undefined {
    if (i.agent !== agentId || i.state !== 'Offered') return 'not offered to this agent';
    i.state = 'Handling';
    this.changed(i);
    return undefined;
  }

  reject(i: SimInteraction, agentId: string): string | undefined {
    if (i.agent !== agentId || i.state !== 'Offered') return 'not offered to this agent';
    this.enqueue(i);
    return undefined;
  }

  complete(i: SimInteraction): void {
    if (i.state === 'Completed') return;
    i.state = 'Completed';
    this.changed(i);
    this.route();
  }

  setData(i: SimInteraction, data: Record<string, string>): void {
    Object.assign(i.userData, data);
    this.emit('data', i);
  }

  login(agentId: string, ready: boolean, line?: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    a.loggedIn = true;
    a.ready = ready;
    if (line !== undefined) a.line = line;
    this.emit('agent', a);
    this.route();
  }

  setReady(agentId: string, ready: boolean, reason?: string): void {
    const a = this.agents.get(agentId);
    if (!a || !a.loggedIn) return;
    a.ready = ready;
    if (reason !== undefined) a.reason = reason;
    else delete a.reason;
    this.emit('agent', a);
    this.route();
  }

  logout(agentId: string): void {
    const a = this.agents.get(agentId);
    if (!a || !a.loggedIn) return;
    a.loggedIn = false;
    a.ready = false;
    for (const i of this.interactions.values()) if (i.agent === agentId && (i.state === 'Offered' || i.state === 'Handling')) this.enqueue(i);
    this.emit('agent', a);
  }

  stats(queue: string): { waiting: number; ready: number; logged: number; open: boolean } {
    const q = this.queues.get(queue);
    const serving = [...this.agents.values()].filter((a) => a.queues.includes(queue) && a.loggedIn);
    return {
      waiting: [...this.interactions.values()].filter((i) => i.queue === queue && i.state === 'Queued').length,
      ready: serving.filter((a) => a.ready && !this.busy(a.id)).length,
      logged: serving.length,
      open: q?.open ?? false,
    };
  }

  private busy(agentId: string): boolean {
    for (const i of this.interactions.values()) if (i.agent === agentId && (i.state === 'Offered' || i.state === 'Handling')) return true;
    return false;
  }

  private offer(i: SimInteraction, a: SimAgent): void {
    i.agent = a.id;
    i.state = 'Offered';
    this.changed(i);
    if (a.autoAnswer) this.accept(i, a.id);
  }

  private route(): void {
    for (const i of [...this.interactions.values()].filter((x) => x.state === 'Queued').sort((x, y) => x.createdAt - y.createdAt)) {
      const a = [...this.agents.values()].find((x) => x.loggedIn && x.ready && x.queues.includes(i.queue) && !this.busy(x.id));
      if (a) this.offer(i, a);
    }
  }

  private changed(i: SimInteraction): void {
    this.emit('interaction', i);
  }
}

/** Faults a test switches on through the simulator's control endpoint. */
export interface SimFaults {
  /** Every vendor request waits this long before it is answered. */
  delayMs: number;
  /** Vendor requests answer HTTP 503. */
  fail5xx: boolean;
  /** Vendor requests answer a body that is not JSON. */
  malformed: boolean;
}

export const noFaults = (): SimFaults => ({ delayMs: 0, fail5xx: false, malformed: false });

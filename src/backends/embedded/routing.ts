/**
 * The routing policy, as pure functions: which queued session is offered to which agent. No store,
 * no clock of its own: the engine reads the channel's agents and queues inside its transaction,
 * asks the policy, and makes the offers it names, in that order.
 *
 * The rules: sessions go oldest first across the channel's services; each to the agent who has
 * been idle longest among those logged in and ready on the channel, skilled for its service,
 * under capacity, and who has not declined it. An offer counts against the agent's capacity and
 * restarts its idle time at once, so one pass spreads sessions the way offers one by one would.
 */

/** An agent logged in on the channel, as routing sees it. */
export interface RoutableAgent {
  readonly username: string;
  readonly ready: boolean;
  readonly load: number;
  /** Since when idle (or in its current state), ms: the smallest is offered first. */
  readonly idleSince: number;
}

/** A queued session, as routing sees it. */
export interface QueuedSession {
  /** Place across every queue of the channel: the smallest came first. */
  readonly seq: number;
  readonly serviceCode: string;
  /** Agents who declined it: it is not offered to them again. */
  readonly rejectedBy: readonly string[];
}

export interface RoutingRules {
  /** Is the user in the service's queue (skilled, or added at runtime)? */
  skilled(username: string, serviceCode: string): boolean;
  /** Sessions the user may hold at once on the channel (0: none). */
  capacity(username: string): number;
}

/** The agents that can be offered anything now: ready and under capacity. */
export function availableAgents<A extends RoutableAgent>(agents: readonly A[], rules: Pick<RoutingRules, 'capacity'>): A[] {
  return agents.filter((a) => a.ready && a.load < rules.capacity(a.username));
}

/** The services whose queues are worth reading: some available agent is skilled for them. Order kept. */
export function servicesToScan(serviceCodes: readonly string[], available: readonly RoutableAgent[], rules: Pick<RoutingRules, 'skilled'>): string[] {
  return serviceCodes.filter((code) => available.some((a) => rules.skilled(a.username, code)));
}

export interface Offer<S, A> {
  session: S;
  agent: A;
}

/**
 * The offers of one routing pass, in the order to make them. `queues` holds each service's queued
 * sessions in queue order; `available` the agents from availableAgents(); `now` the instant an
 * offer restarts its agent's idle time. The inputs are not changed.
 */
export function planOffers<S extends QueuedSession, A extends RoutableAgent>(
  available: readonly A[],
  queues: ReadonlyArray<readonly S[]>,
  rules: RoutingRules,
  now: number,
): Array<Offer<S, A>> {
  const pool = available.map((agent) => ({ agent, load: agent.load, idleSince: agent.idleSince }));
  const room = (p: (typeof pool)[number]) => p.load < rules.capacity(p.agent.username);
  const offers: Array<Offer<S, A>> = [];
  const byHead = [...queues].sort((a, b) => (a[0]?.seq ?? 0) - (b[0]?.seq ?? 0));
  for (const queue of byHead) {
    for (const session of queue) {
      const best = pool
        .filter((p) => room(p) && rules.skilled(p.agent.username, session.serviceCode) && !session.rejectedBy.includes(p.agent.username))
        .sort((a, b) => a.idleSince - b.idleSince)[0];
      if (best) {
        offers.push({ session, agent: best.agent });
        best.load++;
        best.idleSince = now;
      }
      if (!pool.some(room)) return offers;
    }
  }
  return offers;
}

import { randomUUID } from 'node:crypto';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { AgentSessionRecord, Store } from '../../store/index.js';
import type { AgentSessions, OpenOptions } from '../agent-desk.js';
import { storeGuard } from '../../store/index.js';

/**
 * The connections of agents through the agent faces (a Huawei Guid, a Genesys JSESSIONID, a XUC
 * token), kept in the store so any bridge process recognises them. Each carries the cursor of the
 * agent events delivered through it. A keep-alive session that lapses signs its agent out.
 */
export class StoredAgentSessions implements AgentSessions {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly knows: (username: string) => boolean,
    private readonly signOut: (username: string, why: string) => Promise<unknown>,
  ) {}

  /**
   * A new session; its cursor starts at the agent's newest event. Any user, supervisors too.
   * `reuse`: the agent's live session on the face, when there is one, is handed out (extended) instead.
   * `signIn`: the agent signs in on these channels. Under their locks, the rule the engine logs in by,
   * it is refused while the agent is logged in, and replaces the agent's other sessions on the face;
   * so of sign-ins racing across the cluster, the last one before a login keeps its session.
   */
  open(username: string, face: string, options: OpenOptions): Promise<Outcome<AgentSessionRecord>> {
    if (!this.knows(username)) return Promise.resolve(fail('UNKNOWN_AGENT', `no user ${username}`));
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const now = this.now();
        const live = options.reuse ? (await tx.agentSessionsOf(username, face)).filter((r) => r.expiresAt > now).at(-1) : undefined;
        if (live) {
          live.expiresAt = Math.max(live.expiresAt, now + options.ttlMs);
          await tx.updateAgentSession(live);
          return ok(live);
        }
        if (options.signIn) {
          for (const id of [...new Set(options.signIn)].sort((a, b) => a - b)) await tx.lockChannel(id);
          // Read under the locks: what racing sign-ins committed before this one is seen.
          if ((await tx.agentChannels(username)).length > 0) return fail('AGENT_ALREADY_LOGGED_IN', `${username} has already signed in`);
          for (const r of await tx.agentSessionsOf(username, face)) await tx.deleteAgentSession(r.token);
        }
        const rec: AgentSessionRecord = {
          token: randomUUID(),
          face,
          username,
          createdAt: now,
          expiresAt: now + options.ttlMs,
          logoutOnExpiry: options.logoutOnExpiry,
          cursor: await tx.lastEventId(username),
        };
        await tx.insertAgentSession(rec);
        return ok(rec);
      }),
    );
  }

  /** The live session of a token on a face; with `extendMs`, its expiry moves that far from now. */
  find(token: string, face: string, extendMs?: number): Promise<Outcome<AgentSessionRecord>> {
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const rec = await tx.getAgentSession(token);
        if (!rec || rec.face !== face || rec.expiresAt <= this.now()) return fail('SESSION_EXPIRED');
        if (extendMs !== undefined) {
          rec.expiresAt = Math.max(rec.expiresAt, this.now() + extendMs);
          await tx.updateAgentSession(rec);
        }
        return ok(rec);
      }),
    );
  }

  /** Save a session's cursor and what it last sent. */
  save(rec: AgentSessionRecord): Promise<Outcome<void>> {
    return storeGuard(() => this.store.tx(async (tx) => ok(await tx.updateAgentSession(rec))));
  }

  /**
   * Only the cursor, read and written in one transaction: a socket acknowledging events must not
   * write back an expiry that a rotation shortened meanwhile (XiVO face, cti.ts).
   */
  advanceCursor(token: string, cursor: number): Promise<Outcome<void>> {
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const rec = await tx.getAgentSession(token);
        if (rec && rec.cursor < cursor) await tx.updateAgentSession({ ...rec, cursor });
        return ok(undefined);
      }),
    );
  }

  /**
   * Dynamic authentication: a new token carrying the session on; the old one keeps working for
   * `graceMs` (requests already on their way) and then lapses without signing the agent out.
   */
  rotate(rec: AgentSessionRecord, ttlMs: number, graceMs: number): Promise<Outcome<AgentSessionRecord>> {
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const now = this.now();
        const next: AgentSessionRecord = { ...rec, token: randomUUID(), createdAt: now, expiresAt: now + ttlMs };
        await tx.insertAgentSession(next);
        await tx.updateAgentSession({ ...rec, expiresAt: Math.min(rec.expiresAt, now + graceMs), logoutOnExpiry: false });
        return ok(next);
      }),
    );
  }

  /** End sessions: one token, or all of an agent on a face. */
  close(which: { token: string } | { username: string; face: string }): Promise<Outcome<void>> {
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const recs = 'token' in which ? [await tx.getAgentSession(which.token)] : await tx.agentSessionsOf(which.username, which.face);
        for (const r of recs) if (r) await tx.deleteAgentSession(r.token);
        return ok(undefined);
      }),
    );
  }

  /** Drop lapsed sessions; an agent whose last keep-alive session lapsed is signed out (Huawei: 2 minutes without polling). */
  async expire(): Promise<number> {
    const due = await this.store.read((tx) => tx.expiredAgentSessions(this.now(), 100));
    for (const rec of due) {
      const signOut = await this.store.tx(async (tx) => {
        await tx.deleteAgentSession(rec.token);
        if (!rec.logoutOnExpiry) return false;
        const others = (await tx.agentSessionsOf(rec.username, rec.face)).filter((o) => o.logoutOnExpiry && o.expiresAt > this.now());
        return others.length === 0;
      });
      if (signOut) await this.signOut(rec.username, `${rec.face} session expired`);
    }
    return due.length;
  }
}

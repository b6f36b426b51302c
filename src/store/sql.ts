import { ChangeLog } from './changes.js';
import type { AgentChannelRecord, AgentEvent, AgentSessionRecord, QueueHead, QueueMember, ServiceRecord, SessionRecord, Tx } from './store.js';

/**
 * The SQL of the store, written once for SQLite and PostgreSQL: `?` placeholders (numbered for
 * PostgreSQL by the driver), integers for booleans and millisecond timestamps, JSON as text.
 * Only row locking and sequences differ, and the dialect says how.
 */
export type Row = Record<string, unknown>;

export interface Driver {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
}

export interface Dialect {
  /** Appended to a SELECT that must lock its rows until the transaction ends. */
  forUpdate: string;
  nextSeq(d: Driver, where: 'tail' | 'head'): Promise<number>;
}

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

function toSession(r: Row): SessionRecord {
  return {
    id: String(r.id),
    channelId: Number(r.channel_id),
    serviceCode: String(r.service_code),
    status: r.status as SessionRecord['status'],
    agent: str(r.agent),
    data: str(r.data),
    description: str(r.description),
    contactId: str(r.contact_id),
    contactValue: str(r.contact_value),
    userData: JSON.parse(String(r.user_data)) as Record<string, string>,
    seq: Number(r.seq),
    rejectedBy: JSON.parse(String(r.rejected_by)) as string[],
    createdAt: Number(r.created_at),
    assignedAt: num(r.assigned_at),
    offerExpiresAt: num(r.offer_expires_at),
    closedAt: num(r.closed_at),
    workbin: str(r.workbin),
    vendorId: str(r.vendor_id),
    syncedAt: num(r.synced_at),
  };
}

export const sessionColumns = [
  'channel_id',
  'service_code',
  'status',
  'agent',
  'data',
  'description',
  'contact_id',
  'contact_value',
  'user_data',
  'seq',
  'rejected_by',
  'created_at',
  'assigned_at',
  'offer_expires_at',
  'closed_at',
  'workbin',
  'vendor_id',
  'synced_at',
] as const;

export const sessionValues = (s: SessionRecord): unknown[] => [
  s.channelId,
  s.serviceCode,
  s.status,
  s.agent ?? null,
  s.data ?? null,
  s.description ?? null,
  s.contactId ?? null,
  s.contactValue ?? null,
  JSON.stringify(s.userData),
  s.seq,
  JSON.stringify(s.rejectedBy),
  s.createdAt,
  s.assignedAt ?? null,
  s.offerExpiresAt ?? null,
  s.closedAt ?? null,
  s.workbin ?? null,
  s.vendorId ?? null,
  s.syncedAt ?? null,
];

const toAgentChannel = (r: Row): AgentChannelRecord => ({
  username: String(r.username),
  channelId: Number(r.channel_id),
  ready: Number(r.ready) === 1,
  load: Number(r.load),
  idleSince: Number(r.idle_since),
  reason: str(r.reason),
  autoAnswer: r.auto_answer === null || r.auto_answer === undefined ? undefined : Number(r.auto_answer) === 1,
  autoIdle: Number(r.auto_idle) === 1,
  phone: str(r.phone),
});

const toAgentSession = (r: Row): AgentSessionRecord => ({
  token: String(r.token),
  face: String(r.face),
  username: String(r.username),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  logoutOnExpiry: Number(r.logout_on_expiry) === 1,
  cursor: Number(r.cursor),
  lastSent: str(r.last_sent),
});

const toEvent = (r: Row): AgentEvent => ({
  id: Number(r.id),
  username: String(r.username),
  kind: r.kind as AgentEvent['kind'],
  channelId: num(r.channel_id),
  sessionId: str(r.session_id),
  at: Number(r.at),
  reason: str(r.detail),
});

export class SqlTx implements Tx {
  constructor(
    private readonly d: Driver,
    private readonly dialect: Dialect,
  ) {}

  async lockChannel(channelId: number): Promise<void> {
    await this.d.all(`SELECT id FROM channels WHERE id = ?${this.dialect.forUpdate}`, [channelId]);
  }

  async activeSessions(channelId: number): Promise<number> {
    const [r] = await this.d.all('SELECT active FROM channels WHERE id = ?', [channelId]);
    return Number(r?.active ?? 0);
  }

  async countActive(channelId: number, delta: 1 | -1): Promise<void> {
    await this.d.run('UPDATE channels SET active = active + ? WHERE id = ?', [delta, channelId]);
  }

  async claimLicense(channelId: number, license: number): Promise<boolean> {
    const counted = await this.d.all('UPDATE channels SET active = active + 1 WHERE id = ? AND active < ? RETURNING active', [channelId, license]);
    return counted.length === 1;
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const [r] = await this.d.all('SELECT * FROM sessions WHERE id = ?', [id]);
    return r ? toSession(r) : undefined;
  }

  async insertSession(s: SessionRecord): Promise<boolean> {
    const changed = await this.d.run(
      `INSERT INTO sessions (id, ${sessionColumns.join(', ')}) VALUES (?, ${sessionColumns.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
      [s.id, ...sessionValues(s)],
    );
    return changed === 1;
  }

  async updateSession(s: SessionRecord): Promise<void> {
    await this.d.run(`UPDATE sessions SET ${sessionColumns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...sessionValues(s), s.id]);
  }

  async queued(channelId: number, serviceCode: string, limit: number): Promise<SessionRecord[]> {
    const rows = await this.d.all(`SELECT * FROM sessions WHERE channel_id = ? AND service_code = ? AND status = 'QUEUED' ORDER BY seq LIMIT ?`, [
      channelId,
      serviceCode,
      limit,
    ]);
    return rows.map(toSession);
  }

  async queueHeads(channelId: number, serviceCode: string, limit: number): Promise<QueueHead[]> {
    const rows = await this.d.all(
      `SELECT id, seq, rejected_by FROM sessions WHERE channel_id = ? AND service_code = ? AND status = 'QUEUED' ORDER BY seq LIMIT ?`,
      [channelId, serviceCode, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      seq: Number(r.seq),
      serviceCode,
      rejectedBy: r.rejected_by === '[]' ? [] : (JSON.parse(String(r.rejected_by)) as string[]),
    }));
  }

  async queuePosition(s: SessionRecord): Promise<number> {
    const [r] = await this.d.all(`SELECT COUNT(*) AS n FROM sessions WHERE channel_id = ? AND service_code = ? AND status = 'QUEUED' AND seq <= ?`, [
      s.channelId,
      s.serviceCode,
      s.seq,
    ]);
    return Number(r?.n ?? 0);
  }

  async heldBy(username: string, channelId?: number): Promise<SessionRecord[]> {
    const rows = await this.d.all(
      `SELECT * FROM sessions WHERE agent = ? AND status IN ('BOOKED', 'ASSIGNED')${channelId === undefined ? '' : ' AND channel_id = ?'} ORDER BY seq`,
      channelId === undefined ? [username] : [username, channelId],
    );
    return rows.map(toSession);
  }

  async expiredOffers(now: number, limit: number): Promise<SessionRecord[]> {
    const rows = await this.d.all(`SELECT * FROM sessions WHERE status = 'BOOKED' AND offer_expires_at <= ? ORDER BY offer_expires_at LIMIT ?`, [now, limit]);
    return rows.map(toSession);
  }

  async purgeClosed(before: number): Promise<number> {
    await this.d.run('DELETE FROM agent_events WHERE at < ?', [before]);
    return this.d.run(`DELETE FROM sessions WHERE status = 'CLOSED' AND closed_at < ?`, [before]);
  }

  async appendEvent(e: Omit<AgentEvent, 'id'>): Promise<void> {
    await this.d.run('INSERT INTO agent_events (username, channel_id, kind, session_id, at, detail) VALUES (?, ?, ?, ?, ?, ?)', [
      e.username,
      e.channelId ?? null,
      e.kind,
      e.sessionId ?? null,
      e.at,
      e.reason ?? null,
    ]);
  }

  async eventsAfter(username: string, afterId: number, limit: number): Promise<AgentEvent[]> {
    const rows = await this.d.all('SELECT * FROM agent_events WHERE username = ? AND id > ? ORDER BY id LIMIT ?', [username, afterId, limit]);
    return rows.map(toEvent);
  }

  async recentEvents(afterId: number, limit: number): Promise<AgentEvent[]> {
    return (await this.d.all('SELECT * FROM agent_events WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit])).map(toEvent);
  }

  async lastEventId(username?: string): Promise<number> {
    const [r] =
      username === undefined
        ? await this.d.all('SELECT MAX(id) AS id FROM agent_events')
        : await this.d.all('SELECT MAX(id) AS id FROM agent_events WHERE username = ?', [username]);
    return Number(r?.id ?? 0);
  }

  async counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> {
    const sessions: Record<string, number> = {};
    for (const r of await this.d.all('SELECT status, COUNT(*) AS n FROM sessions GROUP BY status')) sessions[String(r.status)] = Number(r.n);
    const agents: Record<string, number> = {};
    for (const r of await this.d.all('SELECT ready, COUNT(*) AS n FROM agent_channels GROUP BY ready'))
      agents[Number(r.ready) === 1 ? 'ready' : 'not_ready'] = Number(r.n);
    return { sessions, agents };
  }

  async sessionByVendorId(vendorId: string): Promise<SessionRecord | undefined> {
    const [r] = await this.d.all('SELECT * FROM sessions WHERE vendor_id = ?', [vendorId]);
    return r ? toSession(r) : undefined;
  }

  async openSessions(limit: number): Promise<SessionRecord[]> {
    return (await this.d.all(`SELECT * FROM sessions WHERE status <> 'CLOSED' ORDER BY created_at LIMIT ?`, [limit])).map(toSession);
  }

  async latestSessions(limit: number): Promise<SessionRecord[]> {
    return (await this.d.all('SELECT * FROM sessions ORDER BY created_at DESC, id LIMIT ?', [limit])).map(toSession);
  }

  async sessionEvents(sessionId: string, limit: number): Promise<AgentEvent[]> {
    return (await this.d.all('SELECT * FROM agent_events WHERE session_id = ? ORDER BY id LIMIT ?', [sessionId, limit])).map(toEvent);
  }

  nextSeq(where: 'tail' | 'head'): Promise<number> {
    return this.dialect.nextSeq(this.d, where);
  }

  async getService(channelId: number, code: string): Promise<ServiceRecord | undefined> {
    const [r] = await this.d.all('SELECT * FROM services WHERE channel_id = ? AND code = ?', [channelId, code]);
    if (!r) return undefined;
    return {
      channelId,
      code,
      enabled: Number(r.enabled) === 1,
      outOfService: Number(r.out_of_service) === 1,
      avgHandleSeconds: Number(r.avg_handle_seconds),
    };
  }

  async updateService(s: ServiceRecord): Promise<void> {
    await this.d.run('UPDATE services SET enabled = ?, out_of_service = ?, avg_handle_seconds = ? WHERE channel_id = ? AND code = ?', [
      s.enabled ? 1 : 0,
      s.outOfService ? 1 : 0,
      s.avgHandleSeconds,
      s.channelId,
      s.code,
    ]);
  }

  async agentChannels(username: string): Promise<AgentChannelRecord[]> {
    return (await this.d.all('SELECT * FROM agent_channels WHERE username = ? ORDER BY channel_id', [username])).map(toAgentChannel);
  }

  async agentChannel(username: string, channelId: number): Promise<AgentChannelRecord | undefined> {
    const [r] = await this.d.all('SELECT * FROM agent_channels WHERE username = ? AND channel_id = ?', [username, channelId]);
    return r ? toAgentChannel(r) : undefined;
  }

  async channelAgents(channelId: number): Promise<AgentChannelRecord[]> {
    return (await this.d.all('SELECT * FROM agent_channels WHERE channel_id = ? ORDER BY username', [channelId])).map(toAgentChannel);
  }

  async upsertAgentChannel(a: AgentChannelRecord): Promise<void> {
    await this.d.run(
      `INSERT INTO agent_channels (username, channel_id, ready, load, idle_since, reason, auto_answer, auto_idle, phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (username, channel_id) DO UPDATE SET ready = excluded.ready, load = excluded.load, idle_since = excluded.idle_since,
         reason = excluded.reason, auto_answer = excluded.auto_answer, auto_idle = excluded.auto_idle, phone = excluded.phone`,
      [
        a.username,
        a.channelId,
        a.ready ? 1 : 0,
        a.load,
        a.idleSince,
        a.reason ?? null,
        a.autoAnswer === undefined ? null : a.autoAnswer ? 1 : 0,
        a.autoIdle ? 1 : 0,
        a.phone ?? null,
      ],
    );
  }

  async deleteAgentChannel(username: string, channelId: number): Promise<void> {
    await this.d.run('DELETE FROM agent_channels WHERE username = ? AND channel_id = ?', [username, channelId]);
  }

  async agentsOnPhone(phone: string): Promise<AgentChannelRecord[]> {
    return (await this.d.all('SELECT * FROM agent_channels WHERE phone = ? ORDER BY username, channel_id', [phone])).map(toAgentChannel);
  }

  async insertAgentSession(s: AgentSessionRecord): Promise<void> {
    await this.d.run(
      'INSERT INTO agent_sessions (token, face, username, created_at, expires_at, logout_on_expiry, cursor, last_sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [s.token, s.face, s.username, s.createdAt, s.expiresAt, s.logoutOnExpiry ? 1 : 0, s.cursor, s.lastSent ?? null],
    );
  }

  async getAgentSession(token: string): Promise<AgentSessionRecord | undefined> {
    const [r] = await this.d.all('SELECT * FROM agent_sessions WHERE token = ?', [token]);
    return r ? toAgentSession(r) : undefined;
  }

  async updateAgentSession(s: AgentSessionRecord): Promise<void> {
    await this.d.run('UPDATE agent_sessions SET expires_at = ?, logout_on_expiry = ?, cursor = ?, last_sent = ? WHERE token = ?', [
      s.expiresAt,
      s.logoutOnExpiry ? 1 : 0,
      s.cursor,
      s.lastSent ?? null,
      s.token,
    ]);
  }

  async deleteAgentSession(token: string): Promise<void> {
    await this.d.run('DELETE FROM agent_sessions WHERE token = ?', [token]);
  }

  async agentSessionsOf(username: string, face?: string): Promise<AgentSessionRecord[]> {
    const rows =
      face === undefined
        ? await this.d.all('SELECT * FROM agent_sessions WHERE username = ? ORDER BY created_at', [username])
        : await this.d.all('SELECT * FROM agent_sessions WHERE username = ? AND face = ? ORDER BY created_at', [username, face]);
    return rows.map(toAgentSession);
  }

  async expiredAgentSessions(now: number, limit: number): Promise<AgentSessionRecord[]> {
    return (await this.d.all('SELECT * FROM agent_sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', [now, limit])).map(toAgentSession);
  }

  changeLog(): ChangeLog {
    return new ChangeLog(this.d, this.dialect);
  }

  async queueMembers(): Promise<QueueMember[]> {
    const rows = await this.d.all('SELECT * FROM queue_members ORDER BY username, service_code');
    return rows.map((r) => ({ username: String(r.username), serviceCode: String(r.service_code), penalty: Number(r.penalty) }));
  }

  async setQueueMember(username: string, serviceCode: string, penalty: number): Promise<void> {
    await this.d.run(
      'INSERT INTO queue_members (username, service_code, penalty) VALUES (?, ?, ?) ON CONFLICT (username, service_code) DO UPDATE SET penalty = excluded.penalty',
      [username, serviceCode, penalty],
    );
  }
}

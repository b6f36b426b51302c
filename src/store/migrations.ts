import type { Driver } from './sql.js';

/**
 * Versioned schema changes, applied in order at start inside one transaction; the version reached
 * is recorded in schema_migrations. Never edit a released step: add the next one.
 */
export interface Migration {
  version: number;
  description: string;
  /** Statements, the same for both databases unless the dialect's own are given. */
  statements: string[];
  postgres?: string[];
  sqlite?: string[];
  /** Dialect statements that must run before the shared ones. */
  before?: { postgres?: string[]; sqlite?: string[] };
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'channels, services, sessions, agent channels, queue sequences',
    statements: [
      // active: sessions not CLOSED, kept under the channel lock (the license check reads it).
      'CREATE TABLE channels (id INTEGER PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0)',
      `CREATE TABLE services (
         channel_id INTEGER NOT NULL, code TEXT NOT NULL, enabled INTEGER NOT NULL, out_of_service INTEGER NOT NULL,
         avg_handle_seconds DOUBLE PRECISION NOT NULL, PRIMARY KEY (channel_id, code))`,
      `CREATE TABLE sessions (
         id TEXT PRIMARY KEY, channel_id INTEGER NOT NULL, service_code TEXT NOT NULL, status TEXT NOT NULL,
         agent TEXT, data TEXT, description TEXT, contact_id TEXT, contact_value TEXT, user_data TEXT NOT NULL,
         seq BIGINT NOT NULL, rejected_by TEXT NOT NULL, created_at BIGINT NOT NULL, assigned_at BIGINT,
         offer_expires_at BIGINT, closed_at BIGINT)`,
      `CREATE INDEX sessions_queue ON sessions (channel_id, service_code, seq) WHERE status = 'QUEUED'`,
      `CREATE INDEX sessions_held ON sessions (agent) WHERE status IN ('BOOKED', 'ASSIGNED')`,
      `CREATE INDEX sessions_offers ON sessions (offer_expires_at) WHERE status = 'BOOKED'`,
      `CREATE INDEX sessions_closed ON sessions (closed_at) WHERE status = 'CLOSED'`,
      `CREATE TABLE agent_channels (
         username TEXT NOT NULL, channel_id INTEGER NOT NULL, ready INTEGER NOT NULL, load INTEGER NOT NULL,
         idle_since BIGINT NOT NULL, PRIMARY KEY (username, channel_id))`,
    ],
    // PostgreSQL sequences hand out numbers without holding a lock until commit.
    postgres: ['CREATE SEQUENCE queue_tail START WITH 1', 'CREATE SEQUENCE queue_head INCREMENT BY -1 START WITH -1 MAXVALUE -1'],
    sqlite: [
      'CREATE TABLE queue_sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL)',
      "INSERT INTO queue_sequences (name, value) VALUES ('tail', 0), ('head', 0)",
    ],
  },
  {
    version: 2,
    description: 'agent event log (what the agent faces deliver: polling, CometD, WebSocket)',
    statements: ['CREATE INDEX agent_events_agent ON agent_events (username, id)', 'CREATE INDEX agent_events_at ON agent_events (at)'],
    // The table first (its id column differs by database), then the shared indexes.
    before: {
      postgres: [
        'CREATE TABLE agent_events (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, channel_id INTEGER, kind TEXT NOT NULL, session_id TEXT, at BIGINT NOT NULL, detail TEXT)',
      ],
      sqlite: [
        'CREATE TABLE agent_events (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL, channel_id INTEGER, kind TEXT NOT NULL, session_id TEXT, at BIGINT NOT NULL, detail TEXT)',
      ],
    },
  },
  {
    version: 3,
    description: 'agent faces: login options and not-ready reasons, workbins, agent sessions (Guid, JSESSIONID, XUC token), runtime queue membership',
    statements: [
      // Per login, repeated on each channel row of the agent: the agent faces set them at sign-in.
      'ALTER TABLE agent_channels ADD COLUMN reason TEXT',
      'ALTER TABLE agent_channels ADD COLUMN auto_answer INTEGER',
      'ALTER TABLE agent_channels ADD COLUMN auto_idle INTEGER NOT NULL DEFAULT 1',
      'ALTER TABLE agent_channels ADD COLUMN phone TEXT',
      'CREATE INDEX agent_channels_phone ON agent_channels (phone)',
      'ALTER TABLE sessions ADD COLUMN workbin TEXT',
      // cursor: the last agent event delivered through this session (Huawei polling).
      `CREATE TABLE agent_sessions (
         token TEXT PRIMARY KEY, face TEXT NOT NULL, username TEXT NOT NULL, created_at BIGINT NOT NULL,
         expires_at BIGINT NOT NULL, logout_on_expiry INTEGER NOT NULL, cursor BIGINT NOT NULL, last_sent TEXT)`,
      'CREATE INDEX agent_sessions_user ON agent_sessions (username, face)',
      'CREATE INDEX agent_sessions_expiry ON agent_sessions (expires_at)',
      // penalty -1: removed from a queue the configuration gives; >= 0: member.
      'CREATE TABLE queue_members (username TEXT NOT NULL, service_code TEXT NOT NULL, penalty INTEGER NOT NULL, PRIMARY KEY (username, service_code))',
    ],
  },
  {
    version: 4,
    description: 'vendor backends: the vendor interaction id of each session, and when it was last confirmed',
    statements: [
      'ALTER TABLE sessions ADD COLUMN vendor_id TEXT',
      'ALTER TABLE sessions ADD COLUMN synced_at BIGINT',
      'CREATE UNIQUE INDEX sessions_vendor ON sessions (vendor_id) WHERE vendor_id IS NOT NULL',
    ],
  },
  {
    version: 5,
    description: 'push: the change feed of sessions (SSE, webhooks), the webhook outbox and its dead letters',
    statements: [
      'CREATE INDEX session_changes_session ON session_changes (session_id, seq)',
      'CREATE INDEX session_changes_channel ON session_changes (channel_id, seq)',
      'CREATE INDEX session_changes_at ON session_changes (at)',
      // One row per subscriber and change until delivered; lease_until: claimed by a process until then.
      `CREATE TABLE push_outbox (
         subscriber TEXT NOT NULL, seq BIGINT NOT NULL, session_id TEXT NOT NULL, created_at BIGINT NOT NULL, next_at BIGINT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0, lease_until BIGINT NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (subscriber, seq))`,
      'CREATE INDEX push_outbox_session ON push_outbox (subscriber, session_id, seq)',
      'CREATE INDEX push_outbox_due ON push_outbox (next_at)',
      'CREATE INDEX push_outbox_change ON push_outbox (seq)',
      `CREATE TABLE push_dead_letters (
         subscriber TEXT NOT NULL, seq BIGINT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, dead_at BIGINT NOT NULL,
         PRIMARY KEY (subscriber, seq))`,
    ],
    before: {
      postgres: [
        'CREATE TABLE session_changes (seq BIGSERIAL PRIMARY KEY, session_id TEXT NOT NULL, channel_id INTEGER NOT NULL, service_code TEXT NOT NULL, status TEXT NOT NULL, username TEXT, custom_message TEXT NOT NULL, at BIGINT NOT NULL)',
      ],
      sqlite: [
        'CREATE TABLE session_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, channel_id INTEGER NOT NULL, service_code TEXT NOT NULL, status TEXT NOT NULL, username TEXT, custom_message TEXT NOT NULL, at BIGINT NOT NULL)',
      ],
    },
  },
  {
    version: 6,
    description: "the operator's page: the newest sessions and a session's agent events by index, not by a scan twice a second",
    statements: ['CREATE INDEX sessions_created ON sessions (created_at DESC, id)', 'CREATE INDEX agent_events_session ON agent_events (session_id, id)'],
  },
  {
    version: 7,
    description: "webhooks: the outbox's due entries by subscriber, in the order a claim takes them (no sort of the backlog)",
    statements: [],
    postgres: ['DROP INDEX push_outbox_due', 'CREATE INDEX push_outbox_due ON push_outbox (subscriber, next_at, seq)'],
    // SQLite: also a WITHOUT ROWID table, so that an entry is one b-tree row (its key), not a rowid
    // row plus the key's index: each entry is written once and deleted once.
    sqlite: [
      `CREATE TABLE push_outbox_v7 (
         subscriber TEXT NOT NULL, seq BIGINT NOT NULL, session_id TEXT NOT NULL, created_at BIGINT NOT NULL, next_at BIGINT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0, lease_until BIGINT NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (subscriber, seq)) WITHOUT ROWID`,
      'INSERT INTO push_outbox_v7 SELECT subscriber, seq, session_id, created_at, next_at, attempts, lease_until, last_error FROM push_outbox',
      'DROP TABLE push_outbox',
      'ALTER TABLE push_outbox_v7 RENAME TO push_outbox',
      'CREATE INDEX push_outbox_session ON push_outbox (subscriber, session_id, seq)',
      'CREATE INDEX push_outbox_due ON push_outbox (subscriber, next_at, seq)',
      'CREATE INDEX push_outbox_change ON push_outbox (seq)',
    ],
  },
  {
    version: 8,
    description: "webhooks: each subscriber's place on each channel's change feed (the feed is the outbox; push_outbox keeps what waits)",
    statements: [
      `CREATE TABLE push_cursors (
         subscriber TEXT NOT NULL, channel_id INTEGER NOT NULL, seq BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0,
         PRIMARY KEY (subscriber, channel_id))`,
    ],
  },
];

/** Apply what is missing; the caller runs this inside a transaction that excludes other migrators. */
export async function migrate(d: Driver, dialect: 'sqlite' | 'postgres'): Promise<number[]> {
  await d.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
  const done = new Set((await d.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const sql of [...(m.before?.[dialect] ?? []), ...m.statements, ...(m[dialect] ?? [])]) await d.run(sql);
    await d.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, Date.now()]);
    applied.push(m.version);
  }
  return applied;
}

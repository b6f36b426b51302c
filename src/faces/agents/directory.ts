import { createHash, timingSafeEqual } from 'node:crypto';
import { serviceQueueIds, type AgentConfig, type EmbeddedConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';

export interface ServiceEntry {
  channelId: number;
  code: string;
  name: string;
  /** Its number on the agent faces (XiVO queueId, Huawei skill id). */
  queueId: number;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Who and what the agent faces can name, read from the configuration: users by username, by
 * numeric agent id (Huawei workno, XiVO agentId) and by line; channels by media type; services by
 * queue id. Read-only: state lives in the engine.
 */
export class AgentDirectory {
  private users = new Map<string, AgentConfig>();
  private byId = new Map<number, AgentConfig>();
  private byPhone = new Map<string, AgentConfig>();
  services: ServiceEntry[] = [];
  private media = new Map<number, string>();

  constructor(private config: EmbeddedConfig) {
    this.reload(config);
  }

  /** Read a new configuration (SIGHUP); every face sees it at once. */
  reload(config: EmbeddedConfig): void {
    this.config = config;
    this.users = new Map();
    this.byId = new Map();
    this.byPhone = new Map();
    this.services = [];
    this.media = new Map();
    for (const a of config.agents) {
      this.users.set(a.username, a);
      if (a.agentId !== undefined) this.byId.set(a.agentId, a);
      if (a.line !== undefined) this.byPhone.set(a.line, a);
    }
    const ids = serviceQueueIds(config.channels);
    for (const c of config.channels) {
      this.media.set(c.id, c.mediaType ?? (c.id === 1003 ? 'chat' : `channel${c.id}`));
      for (const s of c.services) this.services.push({ channelId: c.id, code: s.code, name: s.name ?? s.code, queueId: ids.get(`${c.id}/${s.code}`) as number });
    }
  }

  get agents(): readonly AgentConfig[] {
    return this.config.agents;
  }

  user(username: string): AgentConfig | undefined {
    return this.users.get(username);
  }

  agentById(agentId: number): AgentConfig | undefined {
    return this.byId.get(agentId);
  }

  /** A line the installation knows: some agent's own line. */
  knowsLine(line: string): boolean {
    return this.byPhone.has(line);
  }

  displayName(a: AgentConfig): string {
    return a.displayName ?? a.username;
  }

  /** Check a password in constant time; a user without a password cannot sign in through an agent face. */
  authenticate(username: string, password: string): Outcome<AgentConfig> {
    const user = this.users.get(username);
    const expected = user?.password;
    // Compare digests so the time taken says nothing about the length or the prefix.
    const match = timingSafeEqual(digest(expected ?? '\0no password'), digest(password));
    if (!user || expected === undefined || !match) return fail('UNAUTHENTICATED', 'wrong username or password');
    return ok(user);
  }

  mediaType(channelId: number): string {
    return this.media.get(channelId) ?? `channel${channelId}`;
  }

  channelOfMedia(mediaType: string): number | undefined {
    for (const [id, name] of this.media) if (name === mediaType) return id;
    return undefined;
  }

  /** The enabled channels the agent can work on (capacity above 0): where an agent face logs it in. */
  workChannels(a: AgentConfig): number[] {
    return this.config.channels
      .filter((c) => c.enabled && (typeof a.capacity === 'number' ? a.capacity : (a.capacity[String(c.id)] ?? 0)) > 0)
      .map((c) => c.id);
  }

  serviceByQueueId(queueId: number): ServiceEntry | undefined {
    return this.services.find((s) => s.queueId === queueId);
  }

  service(channelId: number, code: string): ServiceEntry | undefined {
    return this.services.find((s) => s.channelId === channelId && s.code === code);
  }
}

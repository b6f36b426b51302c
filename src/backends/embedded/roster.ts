import { createHash, timingSafeEqual } from 'node:crypto';
import { serviceQueueIds, type AgentConfig, type ChannelConfig, type EmbeddedConfig, type ServiceConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { AgentRoster, ServiceEntry } from '../agent-desk.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The capacity rule: a number for every channel, or per channel id (absent: 0, does not work there). */
const capacityOn = (a: AgentConfig, channelId: number): number => (typeof a.capacity === 'number' ? a.capacity : (a.capacity[String(channelId)] ?? 0));

/** Everything the roster derives from one configuration; swapped whole on reload. */
interface Snapshot {
  config: EmbeddedConfig;
  users: Map<string, AgentConfig>;
  byId: Map<number, AgentConfig>;
  byLine: Map<string, AgentConfig>;
  channels: Map<number, ChannelConfig>;
  /** `channelId/code` → the configured service (hours, closed message). */
  serviceConfigs: Map<string, ServiceConfig>;
  services: ServiceEntry[];
  media: Map<number, string>;
}

function snapshot(config: EmbeddedConfig): Snapshot {
  const s: Snapshot = {
    config,
    users: new Map(),
    byId: new Map(),
    byLine: new Map(),
    channels: new Map(),
    serviceConfigs: new Map(),
    services: [],
    media: new Map(),
  };
  for (const a of config.agents) {
    s.users.set(a.username, a);
    if (a.agentId !== undefined) s.byId.set(a.agentId, a);
    if (a.line !== undefined) s.byLine.set(a.line, a);
  }
  const ids = serviceQueueIds(config.channels);
  for (const c of config.channels) {
    s.channels.set(c.id, c);
    s.media.set(c.id, c.mediaType ?? (c.id === 1003 ? 'chat' : `channel${c.id}`));
    for (const svc of c.services) {
      s.serviceConfigs.set(`${c.id}/${svc.code}`, svc);
      s.services.push({ channelId: c.id, code: svc.code, name: svc.name ?? svc.code, queueId: ids.get(`${c.id}/${svc.code}`) as number });
    }
  }
  return s;
}

/**
 * Who and what the embedded contact center knows, read from the configuration: users by username,
 * numeric agent id (Huawei workno, XiVO agentId) and line; channels (with their media type) and
 * services (with their queue ids); each agent's capacity. One object for the engine and the agent
 * faces, so a reload reaches both at once; state (logins, loads, queues) lives in the store.
 */
export class Roster implements AgentRoster {
  private s: Snapshot;

  constructor(config: EmbeddedConfig) {
    this.s = snapshot(config);
  }

  /** A new configuration (SIGHUP): every reader sees it at once. */
  reload(config: EmbeddedConfig): void {
    this.s = snapshot(config);
  }

  get agents(): readonly AgentConfig[] {
    return this.s.config.agents;
  }

  get services(): readonly ServiceEntry[] {
    return this.s.services;
  }

  get channels(): readonly ChannelConfig[] {
    return this.s.config.channels;
  }

  user(username: string): AgentConfig | undefined {
    return this.s.users.get(username);
  }

  /** A user with the agent profile: only those take sessions. */
  isAgent(username: string): boolean {
    return this.s.users.get(username)?.profiles.includes('agent') ?? false;
  }

  /** An agent by name, or why not. */
  agent(username: string): Outcome<AgentConfig> {
    const user = this.s.users.get(username);
    if (!user) return fail('UNKNOWN_AGENT', `no user ${username}`);
    if (!user.profiles.includes('agent')) return fail('NOT_AN_AGENT', `user ${username} has no agent profile`);
    return ok(user);
  }

  agentById(agentId: number): AgentConfig | undefined {
    return this.s.byId.get(agentId);
  }

  /** A line the installation knows: some agent's own line. */
  knowsLine(line: string): boolean {
    return this.s.byLine.has(line);
  }

  displayName(a: AgentConfig): string {
    return a.displayName ?? a.username;
  }

  /** How many sessions the user may hold at once on the channel; 0 for one who is not (or no longer) an agent. */
  capacity(username: string, channelId: number): number {
    const user = this.s.users.get(username);
    return user?.profiles.includes('agent') ? capacityOn(user, channelId) : 0;
  }

  /** Check a password in constant time; a user without a password cannot sign in through an agent face. */
  authenticate(username: string, password: string): Outcome<AgentConfig> {
    const user = this.s.users.get(username);
    const expected = user?.password;
    // Compare digests so the time taken says nothing about the length or the prefix.
    const match = timingSafeEqual(digest(expected ?? '\0no password'), digest(password));
    if (!user || expected === undefined || !match) return fail('UNAUTHENTICATED', 'wrong username or password');
    return ok(user);
  }

  channel(channelId: number): ChannelConfig | undefined {
    return this.s.channels.get(channelId);
  }

  /** The channels offering a service code, in id order. */
  channelsWith(serviceCode: string): number[] {
    return this.s.config.channels
      .filter((c) => c.services.some((s) => s.code === serviceCode))
      .map((c) => c.id)
      .sort((a, b) => a - b);
  }

  mediaType(channelId: number): string {
    return this.s.media.get(channelId) ?? `channel${channelId}`;
  }

  channelOfMedia(mediaType: string): number | undefined {
    for (const [id, name] of this.s.media) if (name === mediaType) return id;
    return undefined;
  }

  /** The enabled channels the agent can work on (capacity above 0): where an agent face logs it in. */
  workChannels(a: AgentConfig): number[] {
    return this.s.config.channels.filter((c) => c.enabled && capacityOn(a, c.id) > 0).map((c) => c.id);
  }

  /** The configured service (hours, closed message), when the channel offers it. */
  serviceConfig(channelId: number, code: string): ServiceConfig | undefined {
    return this.s.serviceConfigs.get(`${channelId}/${code}`);
  }

  serviceByQueueId(queueId: number): ServiceEntry | undefined {
    return this.s.services.find((s) => s.queueId === queueId);
  }

  service(channelId: number, code: string): ServiceEntry | undefined {
    return this.s.services.find((s) => s.channelId === channelId && s.code === code);
  }
}

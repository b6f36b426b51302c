import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { AgentDesk, AgentRoster } from '../../backends/agent-desk.js';
import type { DoorSecurity } from '../security/index.js';
import type { AgentEventFeed } from './feed.js';

/** What each agent face's factory (genesys/, huawei/, xivo/ index.ts) hands to the composition. */
export interface AgentFace {
  /** Mount the face's HTTP middleware and routes. */
  install(app: Koa): void;
  /** A WebSocket upgrade on the face's path; false when the path is not its own. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The configuration was reloaded (SIGHUP): what the face holds for agents it no longer has ends now. */
  reloaded?(): void;
  close?(): void;
}

/** What every agent face is built from. */
export interface AgentFaceDeps {
  engine: AgentDesk;
  /** Credentials throttle and request budget shared with every door. */
  security: DoorSecurity;
  directory: AgentRoster;
  /** Wakes waiting polls and sockets when their agent has news. */
  feed: AgentEventFeed;
  bodyLimit: number;
}

import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { openStore } from '../store/index.js';
import type { AgentDesk } from './agent-desk.js';
import type { Backend } from './backend.js';
import { EmbeddedEngine } from './embedded/index.js';
import { embeddedOperatorView } from './embedded/operator.js';
import type { OperatorView } from './operator-view.js';
import { startRemoteBackend } from './remote/index.js';
import { vendorOperatorView } from './remote/operator.js';

/**
 * What the bridge runs on: the MCC port, the agent port when the contact center offers one (the
 * embedded engine; a vendor platform has its own agent desktops), and how a reload reaches it.
 */
export interface ContactCenter {
  readonly backend: Backend;
  readonly desk?: AgentDesk;
  /** What the operator's page (/admin) shows. */
  readonly operator?: OperatorView;
  /** Apply a new configuration's channels, services and agents (SIGHUP); sessions stay. */
  reload?(config: Config): Promise<void>;
}

/** An embedded engine, started by the caller, as a contact center. */
export function embeddedCenter(engine: EmbeddedEngine): ContactCenter {
  return { backend: engine, desk: engine, operator: embeddedOperatorView(engine), reload: (config) => engine.reload(config.embedded) };
}

/** The configured contact center, started: for the embedded engine its store is migrated and recovered. */
export async function startContactCenter(config: Config, logger: Logger): Promise<ContactCenter> {
  const b = config.backend;
  if (b.kind === 'embedded') {
    let engine: EmbeddedEngine | undefined;
    try {
      engine = new EmbeddedEngine(config.embedded, openStore(config.store, logger), { push: config.push });
      await engine.start();
    } catch (e) {
      await engine?.close().catch(() => undefined);
      throw new Error(`cannot start: the ${config.store.kind} session store is not usable: ${(e as Error).message}`);
    }
    return embeddedCenter(engine);
  }
  try {
    const backend = await startRemoteBackend(config, b, logger);
    return { backend, operator: vendorOperatorView(b, backend.store) };
  } catch (e) {
    throw new Error(`cannot start the ${b.kind} backend: ${(e as Error).message}`);
  }
}

import type { Config, VendorBackendConfig } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import { ChangeFeed, recordingChanges } from '../../push/index.js';
import { openStore } from '../../store/index.js';
import { RemoteBackend } from './backend.js';
import type { VendorClient } from './client.js';

export { RemoteBackend } from './backend.js';

/** Only the configured vendor's client is loaded (a CometD client is not small). Clients report through the link; the backend logs. */
async function clientFor(b: VendorBackendConfig): Promise<VendorClient> {
  switch (b.kind) {
    case 'genesys': {
      const { GenesysClient } = await import('./genesys/client.js');
      return new GenesysClient({ url: b.url, username: b.username, password: b.password });
    }
    case 'huawei': {
      const { HuaweiClient } = await import('./huawei/client.js');
      return new HuaweiClient({ url: b.url, agentId: b.agentId, password: b.password });
    }
    case 'xivo': {
      const { XivoClient } = await import('./xivo/client.js');
      return new XivoClient({ url: b.url, login: b.login, password: b.password });
    }
  }
}

/**
 * The configured vendor backend, its store migrated and its link to the vendor starting. Its store
 * records every session change, as the engine's does (push/recording.ts): the event streams and
 * the webhooks work on a vendor too (what the vendor's events change, they push).
 */
export async function startRemoteBackend(config: Config, b: VendorBackendConfig, logger: Logger): Promise<RemoteBackend> {
  const store = openStore(config.store, logger);
  const changes = new ChangeFeed(store, config.push.heartbeatSeconds);
  // The vendor's agents are known by username only: checkSession names them so, and so does a change.
  const recorded = recordingChanges(store, { feed: changes, now: Date.now, displayName: (username) => username });
  const backend = new RemoteBackend(b, recorded, await clientFor(b), logger, changes);
  await backend.start();
  return backend;
}

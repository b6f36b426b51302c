import type { Config, VendorBackendConfig } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
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

/** The configured vendor backend, its store migrated and its link to the vendor starting. */
export async function startRemoteBackend(config: Config, b: VendorBackendConfig, logger: Logger): Promise<RemoteBackend> {
  const backend = new RemoteBackend(b, openStore(config.store, logger), await clientFor(b), logger);
  await backend.start();
  return backend;
}

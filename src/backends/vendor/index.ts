import type { Config, VendorBackendConfig } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import { openStore } from '../../store/index.js';
import { VendorBackend } from './backend.js';
import type { VendorClient } from './client.js';
import { GenesysClient } from './genesys/client.js';
import { HuaweiClient } from './huawei/client.js';
import { XivoClient } from './xivo/client.js';

export { VendorBackend } from './backend.js';

function clientFor(b: VendorBackendConfig, logger: Logger): VendorClient {
  switch (b.kind) {
    case 'genesys':
      return new GenesysClient({ url: b.url, username: b.username, password: b.password, logger });
    case 'huawei':
      return new HuaweiClient({ url: b.url, agentId: b.agentId, password: b.password, logger });
    case 'xivo':
      return new XivoClient({ url: b.url, login: b.login, password: b.password, logger });
  }
}

/** The configured vendor backend, its store migrated and its link to the vendor starting. */
export async function startVendorBackend(config: Config, b: VendorBackendConfig, logger: Logger): Promise<VendorBackend> {
  const backend = new VendorBackend(b, openStore(config.store), clientFor(b, logger), logger);
  await backend.start();
  return backend;
}

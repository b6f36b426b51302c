export * from './store.js';
export { storeGuard } from './guard.js';
export { SqliteStore } from './sqlite.js';
export { PostgresStore } from './postgres.js';

import { join } from 'node:path';
import type { StoreConfig } from '../config/index.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export const SQLITE_FILE = 'mcc-bridge.sqlite';

export function openStore(config: StoreConfig): Store {
  return config.kind === 'sqlite' ? new SqliteStore(join(config.dataDir, SQLITE_FILE)) : new PostgresStore(config.url, { max: config.poolSize });
}

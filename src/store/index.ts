export * from './store.js';
export { storeGuard } from './guard.js';
export { SqliteStore } from './sqlite.js';
export { PostgresStore } from './postgres.js';
export type { StoreLog } from './outage.js';
export type { ChangeLog } from './changes.js';
export type { FeedRange } from './push-cursors.js';

import { join } from 'node:path';
import type { StoreConfig } from '../config/index.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { StoreLog } from './outage.js';
import type { Store } from './store.js';

export const SQLITE_FILE = 'mcc-bridge.sqlite';

/** The configured store; `log` hears of its outages (the bridge's logger). */
export function openStore(config: StoreConfig, log?: StoreLog): Store {
  return config.kind === 'sqlite'
    ? new SqliteStore(join(config.dataDir, SQLITE_FILE), { log, sessionCache: config.sessionCache })
    : new PostgresStore(config.url, { max: config.poolSize, log });
}

import type { Driver } from './sql.js';
import type { Store } from './store.js';

/**
 * Channel and service rows from the configuration. The file decides enabled/out-of-service at
 * start; the learnt handling time survives restarts.
 */
export async function seed(d: Driver, s: Parameters<Store['migrate']>[0]): Promise<void> {
  for (const c of s.channels) {
    await d.run('INSERT INTO channels (id) VALUES (?) ON CONFLICT (id) DO NOTHING', [c.id]);
    for (const svc of c.services) {
      await d.run(
        `INSERT INTO services (channel_id, code, enabled, out_of_service, avg_handle_seconds) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel_id, code) DO UPDATE SET enabled = excluded.enabled, out_of_service = excluded.out_of_service`,
        [c.id, svc.code, svc.enabled ? 1 : 0, svc.outOfService ? 1 : 0, s.avgHandleSeconds],
      );
    }
  }
}

import { fail, type Outcome } from '../reasons/index.js';
import { StoreError } from './store.js';

/** A store failure is a DATABASE_ERROR-class outcome, never an exception out of the engine. */
export async function storeGuard<T>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StoreError) return fail('STORE_ERROR', `the session store failed: ${e.clientMessage}`);
    throw e;
  }
}

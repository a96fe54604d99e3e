/** A fresh SQLite state store in memory, its schema migrated: the unit tests' store. */
import { createSqliteStateStore, type StateStore } from '../../src/state/index.js';

export async function memoryStore(): Promise<StateStore> {
  const store = createSqliteStateStore({ path: ':memory:' });
  await store.migrate();
  return store;
}

/**
 * The state a run writes besides its chunks' results: the accounts it is bound to, a key field
 * checked, records quarantined as they are read, the deletion window. A real run writes them to
 * its store; a dry run hands them to NO_STATE_WRITES, and so writes no state at all.
 */
import type { StateStore } from '../state/port.js';

export type StateWrites = Pick<StateStore, 'setMeta' | 'commit'>;

export const NO_STATE_WRITES: StateWrites = {
  setMeta: async () => undefined,
  commit: async () => undefined,
};

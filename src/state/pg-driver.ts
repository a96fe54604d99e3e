/**
 * The PostgreSQL driver, loaded when a process first opens a pool (a PostgreSQL store, a shared
 * Propstreet budget, a worker's stores) rather than at import: a process on the embedded SQLite
 * default never holds it.
 */
import type pg from 'pg';
import { requireOnDemand } from '../core/require-on-demand.js';

export const pgDriver = (): typeof pg => requireOnDemand('pg') as typeof pg;

/**
 * Loads a CommonJS package when first used rather than at import: a package only some
 * processes need (the PostgreSQL driver, the terminal's pretty log printer) otherwise sits in
 * the resident memory of every process, the embedded SQLite default's included. Synchronous,
 * so the callers' factories stay synchronous; node caches the module after the first call.
 */
import { createRequire } from 'node:module';

export const requireOnDemand = createRequire(import.meta.url);

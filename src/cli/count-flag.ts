/**
 * A count a command takes as a flag (`conflicts --limit`, `status --runs`): a whole number ≥ 1.
 * Anything else is a usage error naming the flag and what it expects (exit 2), never a silent
 * default nor a store's error that names no flag.
 */
import { ValidationError } from '../core/errors.js';

export function countFlag(flag: `--${string}`, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${flag} ${raw}: expected a whole number >= 1`, { [flag.slice(2)]: [raw] });
  return n;
}

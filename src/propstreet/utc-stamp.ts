/**
 * Propstreet's timestamps in one form. Its pages show them at several precisions — whole
 * seconds (`2025-01-16T08:30:00Z`, the sync-patterns guide), milliseconds (the list reference's
 * sample) and 100 ns (`…00.1234567Z`, the cursor sample): a .NET serializer trimming trailing
 * zeros. The run compares stamps as text (staging, the page's newest stamp, checkpoints), and
 * `…00.12Z` sorts after `…00.1234567Z` as text though it is earlier: a newer version of a record
 * planned in the run was then taken for an older one. Every stamp read is therefore rewritten at
 * the boundary to seven fractional digits in UTC, which sorts as text as it does in time.
 */
import { z } from 'zod';

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** `2025-01-16T08:30:00.0000000Z` for any ISO-8601 date-time (no offset: UTC); undefined when not one. */
export function canonicalStamp(input: string): string | undefined {
  const m = ISO.exec(input.trim());
  if (!m) return undefined;
  const [, date, time = '', fraction = '', offset = 'Z'] = m;
  const digits = fraction.padEnd(7, '0').slice(0, 7);
  const seconds = time.length === 5 ? `${time}:00` : time;
  const ms = Date.parse(`${date}T${seconds}.${digits.slice(0, 3)}${offset.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 23)}${digits.slice(3)}Z`;
}

/** A Propstreet date-time, validated and rewritten to the canonical form. */
export const utcStamp = z.string().transform((value, ctx) => {
  const stamp = canonicalStamp(value);
  if (stamp === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date-time, got "${value}"` });
    return z.NEVER;
  }
  return stamp;
});

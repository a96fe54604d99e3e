/**
 * The ref outbox of one connection's kind as `status` shows it: pending write-backs, those that
 * failed at least once, and how long they take at the Propstreet request budget (one call each;
 * fewer when a bridge's write-backs of one record go together, and less while runs' own reads
 * and writes share the budget: an estimate).
 */
export interface RefBacklog {
  readonly pending: number;
  readonly failing: number;
  /** ETA in seconds at the whole budget. */
  readonly etaSeconds: number;
  /** The same, in words (`2h47m`). */
  readonly eta: string;
}

export function refBacklogOf(b: { pending: number; failing: number }, requestsPerMinute: number): RefBacklog {
  const etaSeconds = Math.ceil((b.pending * 60) / Math.max(1, requestsPerMinute));
  return { ...b, etaSeconds, eta: inWords(etaSeconds) };
}

function inWords(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

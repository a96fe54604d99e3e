/** Percentiles of the live demo's latencies (nearest rank: a value that was measured). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

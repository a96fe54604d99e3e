/** Durations in tenant files: a whole number and a unit, `30s`, `90m`, `24h`, `7d`. */
export const DURATION = /^(\d{1,6})(s|m|h|d)$/;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration the schema accepted; throws on anything else. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
}

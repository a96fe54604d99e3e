/** Number formats of the summary table. */
export const n0 = (x: number) => Math.round(x).toLocaleString('en');
/** A ratio, "1.02×"; ∞ when the reference is 0. */
export const times = (a: number, b: number) => {
  if (b <= 0) return '∞';
  const r = a / b;
  // Two significant digits below 0.1: a projected 0.0015× should not read as 0.00×.
  return `${r > 0 && r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`;
};
export const dur = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
/** 100,000 → "100k", 1,000,000 → "1M". */
export const short = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : n0(n);

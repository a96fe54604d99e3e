/**
 * Waiting for `serve` and the fakes' webhooks to come to rest, on conditions only: every fake
 * has delivered what it was handed, `serve` has taken in every delivery it answered with 2xx
 * (the intake runs after the answer), and no debounce window is open and no run in flight.
 * Shared by the fake-driven serve tests and the webhooks bench; the live demo waits between its
 * edits the same way, so the one implementation lives in src/demo.
 */
export {
  takenIn,
  type WebhookFake as WebhookSource,
  waitQuiet as quiesce,
} from '../../src/demo/live-quiet.js';

/** Sum of a Prometheus counter's series whose labels include `match` (e.g. `outcome="accepted"`). */
export function counterSum(text: string, name: string, match: readonly string[] = []): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!match.every((m) => line.includes(m))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

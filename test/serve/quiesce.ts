/**
 * Waiting for `serve` and the fakes' webhooks to come to rest, on conditions only: every fake
 * has delivered what it was handed, `serve` has taken in every delivery it answered with 2xx
 * (the intake runs after the answer), and no debounce window is open and no run in flight.
 * Shared by the fake-driven serve tests and the webhooks bench.
 */
import type { RunningServe } from '../../src/serve/start-serve.js';

/** What `quiesce` needs of a fake: its webhooks (both fakes have this shape). */
export interface WebhookSource {
  readonly webhooks: {
    idle(): Promise<void>;
    attempts(): readonly { readonly status: number }[];
    subscriptions(): readonly { readonly busy: boolean }[];
  };
}

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

/** Deliveries `serve` has taken in (accepted or duplicate): rejected ones are counted before the answer. */
async function takenIn(serve: RunningServe): Promise<number> {
  const text = await serve.metrics.registry.render();
  return (
    counterSum(text, 'propsync_webhook_deliveries_total', ['outcome="accepted"']) +
    counterSum(text, 'propsync_webhook_deliveries_total', ['outcome="duplicate"'])
  );
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

export async function quiesce(serve: RunningServe, fakes: readonly WebhookSource[]): Promise<void> {
  for (;;) {
    await Promise.all(fakes.map((f) => f.webhooks.idle()));
    const answered = fakes
      .flatMap((f) => f.webhooks.attempts())
      .filter((a) => a.status >= 200 && a.status < 300).length;
    while ((await takenIn(serve)) < answered) await tick();
    await serve.trigger.idle();
    const busy = fakes.some((f) => f.webhooks.subscriptions().some((s) => s.busy));
    if (!busy && serve.trigger.active() === 0 && (await takenIn(serve)) === answered) return;
  }
}

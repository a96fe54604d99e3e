/**
 * Waits, on conditions only, until the fakes have delivered every webhook, `serve` has taken
 * in every delivery it answered (its intake runs after the answer) and no debounce window or
 * run is open: between two live edits, so that each one's latency is its own.
 */
import type { RunningServe } from '../serve/start-serve.js';

export interface WebhookFake {
  readonly webhooks: {
    idle(): Promise<void>;
    attempts(): readonly { readonly status: number }[];
    subscriptions(): readonly { readonly busy: boolean }[];
  };
}

function counter(text: string, name: string, label: string): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) && line.includes(label))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** Deliveries `serve` has taken in so far (accepted or duplicate). */
export async function takenIn(serve: RunningServe): Promise<number> {
  const text = await serve.metrics.registry.render();
  const name = 'propsync_webhook_deliveries_total';
  return counter(text, name, 'outcome="accepted"') + counter(text, name, 'outcome="duplicate"');
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

/**
 * `before`: deliveries `serve` took in whose attempts the fakes no longer list (a subscription
 * ended since forgets its attempts).
 */
export async function waitQuiet(
  serve: RunningServe,
  fakes: readonly WebhookFake[],
  options: { readonly before?: number } = {},
): Promise<void> {
  const before = options.before ?? 0;
  const taken = async () => (await takenIn(serve)) - before;
  for (;;) {
    await Promise.all(fakes.map((f) => f.webhooks.idle()));
    const answered = fakes
      .flatMap((f) => f.webhooks.attempts())
      .filter((a) => a.status >= 200 && a.status < 300).length;
    while ((await taken()) < answered) await tick();
    await serve.trigger.idle();
    const busy = fakes.some((f) => f.webhooks.subscriptions().some((s) => s.busy));
    if (!busy && serve.trigger.active() === 0 && (await taken()) === answered) return;
  }
}

/** Splitting batch writes into HubSpot-sized calls, and running them side by side. */

/** Chunks of at most `size` where no id repeats, so later duplicates are written after earlier ones. */
export function chunkUnique<I extends { readonly id: string }>(items: readonly I[], size: number): I[][] {
  const chunks: I[][] = [];
  const lastChunk = new Map<string, number>();
  let open = 0;
  for (const item of items) {
    let c = Math.max(open, (lastChunk.get(item.id) ?? -1) + 1);
    while ((chunks[c]?.length ?? 0) >= size) c++;
    const target = chunks[c] ?? [];
    chunks[c] = target;
    target.push(item);
    lastChunk.set(item.id, c);
    while ((chunks[open]?.length ?? 0) >= size) open++;
  }
  return chunks;
}

export async function pool<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]?.();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}

/**
 * The work `serve` started after answering a delivery (dedup, asking for a run): shutdown waits
 * for it before closing the run trigger and the stores it uses, or a delivery the vendor was told
 * it had would ask for nothing.
 */
export interface InFlight {
  /** Runs `work` to its end; its failure goes to the handler, never to the caller. */
  track(work: Promise<void>): Promise<void>;
  /** Resolves when nothing tracked is still going (what starts meanwhile included). */
  idle(): Promise<void>;
}

export function inFlight(onError: (error: unknown) => void): InFlight {
  const going = new Set<Promise<void>>();
  return {
    track(work) {
      const p: Promise<void> = work.catch(onError).finally(() => going.delete(p));
      going.add(p);
      return p;
    },
    async idle() {
      while (going.size > 0) await Promise.all([...going]);
    },
  };
}

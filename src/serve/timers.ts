/** Timers as a port, so the run trigger's debounce can be driven by hand in tests. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // The HTTP server keeps the process alive; a pending debounce alone must not.
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

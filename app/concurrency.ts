/** Runs at most `limit` tasks at once; the others start in arrival order as slots free up. */
export function concurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next in line, so a newcomer cannot jump the queue.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    get waiting() {
      return waiting.length;
    },
    get running() {
      return running;
    },
  };
}

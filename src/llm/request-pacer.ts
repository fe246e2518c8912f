/**
 * The LLM requests of one process, bounded: at most `concurrency` open at once (memory and
 * sockets). How fast requests start is the shared budget's (src/llm/budget.ts), not this process's.
 */
export interface RequestPacer {
  /** Runs `request` once a concurrency slot is free. */
  bounded<T>(request: () => Promise<T>): Promise<T>;
  readonly concurrency: number;
}

export const DEFAULT_LLM_CONCURRENCY = 16;

export function createRequestPacer(concurrency: number = DEFAULT_LLM_CONCURRENCY): RequestPacer {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  let open = 0;
  const queue: (() => void)[] = [];
  return {
    concurrency,
    async bounded<T>(request: () => Promise<T>): Promise<T> {
      // A released slot is handed to the next waiter directly, so a newcomer cannot take it in between.
      if (open >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
      else open += 1;
      try {
        return await request();
      } finally {
        const next = queue.shift();
        if (next === undefined) open -= 1;
        else next();
      }
    },
  };
}

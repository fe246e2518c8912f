/**
 * The LLM requests of one process, bounded: at most `concurrency` open at once (memory and
 * sockets). How fast requests start is the shared budget's (src/llm/budget.ts), not this process's.
 */
export interface RequestPacer {
  /** Runs `request` once a concurrency slot is free; with `maxWaitMs`, SLOT_BUSY when none frees in time (nothing runs). */
  bounded<T>(request: () => Promise<T>): Promise<T>;
  bounded<T>(request: () => Promise<T>, maxWaitMs: number): Promise<T | typeof SLOT_BUSY>;
  readonly concurrency: number;
}

export const DEFAULT_LLM_CONCURRENCY = 16;

/** What a bounded wait for a slot answers when none came free in time. */
export const SLOT_BUSY = Symbol('slot-busy');

export function createRequestPacer(concurrency: number = DEFAULT_LLM_CONCURRENCY): RequestPacer {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  let open = 0;
  const queue: (() => void)[] = [];
  /** Takes a slot, or after `maxWaitMs` gives up its place in the queue (false). */
  const take = async (maxWaitMs: number | undefined): Promise<boolean> => {
    if (open < concurrency) {
      open += 1;
      return true;
    }
    return await new Promise<boolean>((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      // A released slot is handed to the next waiter directly, so a newcomer cannot take it in between.
      queue.push(waiter);
      const timer = maxWaitMs === undefined ? undefined : setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        resolve(false);
      }, maxWaitMs);
    });
  };
  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) open -= 1;
    else next();
  };
  async function bounded<T>(request: () => Promise<T>): Promise<T>;
  async function bounded<T>(request: () => Promise<T>, maxWaitMs: number): Promise<T | typeof SLOT_BUSY>;
  async function bounded<T>(request: () => Promise<T>, maxWaitMs?: number): Promise<T | typeof SLOT_BUSY> {
    if (!(await take(maxWaitMs))) return SLOT_BUSY;
    try {
      return await request();
    } finally {
      release();
    }
  }
  return { concurrency, bounded };
}

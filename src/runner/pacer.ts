/**
 * Paces submissions to a target rate (indicators per minute). A token bucket with a burst of one
 * second's worth, so a run neither stalls at start nor overshoots its target.
 */
export interface Pacer {
  /** Resolves when the next item may go. */
  take(): Promise<void>;
}

export function unpaced(): Pacer {
  return { take: () => Promise.resolve() };
}

export function perMinute(rate: number, now: () => number = Date.now): Pacer {
  if (!(rate > 0)) throw new RangeError('rate must be positive');
  const perMs = rate / 60_000;
  const burst = Math.max(1, rate / 60);
  let tokens = 1;
  let last = now();
  let queue: Promise<void> = Promise.resolve();
  const takeOne = async (): Promise<void> => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) * perMs);
    last = t;
    if (tokens < 1) {
      const wait = (1 - tokens) / perMs;
      await new Promise((resolve) => setTimeout(resolve, wait));
      tokens = 1;
      last = now();
    }
    tokens -= 1;
  };
  // Callers are served in order: each take waits for the one before it.
  return {
    take: () => {
      queue = queue.then(takeOne);
      return queue;
    },
  };
}

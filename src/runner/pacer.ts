/**
 * Paces submissions to a target rate (indicators per minute). A token bucket with a burst of one
 * second's worth, so a run neither stalls at start nor overshoots its target.
 */
import { sleep } from './sleep.js';

export interface Pacer {
  /** Resolves when the next item may go. */
  take(): Promise<void>;
}

export function unpaced(): Pacer {
  return { take: () => Promise.resolve() };
}

/** `signal`: the run stopping ends a wait at once (at --ipm 1 a wait is a minute). */
export function perMinute(rate: number, options: { now?: () => number; signal?: AbortSignal } = {}): Pacer {
  const now = options.now ?? Date.now;
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
      await sleep(wait, options.signal);
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

/**
 * Paces submissions to a target rate (indicators per minute). A token bucket with a burst of one
 * second's worth, so a run neither stalls at start nor overshoots its target.
 */
import { sleep } from './sleep.js';

export interface Pacer {
  /** Resolves when the next item may go. */
  take(): Promise<void>;
}

/** A pace that can change while it runs (`--rpm` corrected from measured requests per indicator). */
export interface AdjustablePacer extends Pacer {
  setRate(rate: number): void;
}

export function unpaced(): Pacer {
  return { take: () => Promise.resolve() };
}

/** `signal`: the run stopping ends a wait at once (at --ipm 1 a wait is a minute). */
export function perMinute(rate: number, options: { now?: () => number; signal?: AbortSignal } = {}): AdjustablePacer {
  const now = options.now ?? Date.now;
  let perMs = 0;
  let burst = 1;
  const setRate = (next: number): void => {
    if (!(next > 0)) throw new RangeError('rate must be positive');
    perMs = next / 60_000;
    burst = Math.max(1, next / 60);
  };
  setRate(rate);
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
    setRate,
  };
}

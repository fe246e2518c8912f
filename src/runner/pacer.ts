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

/**
 * `signal`: the run stopping ends a wait at once (at --ipm 1 a wait is a minute). The bucket refills
 * from the clock after every wait, so a timer that fires late (a busy machine) is made up by the
 * next takes instead of lowering the rate: on a loaded 2-core machine a few milliseconds late per
 * 75-ms wait cost 10 % of an 800-ipm target.
 */
export function perMinute(
  rate: number,
  options: { now?: () => number; signal?: AbortSignal; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): AdjustablePacer {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
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
  const refill = (): void => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) * perMs);
    last = t;
  };
  let queue: Promise<void> = Promise.resolve();
  const takeOne = async (): Promise<void> => {
    refill();
    while (tokens < 1 && options.signal?.aborted !== true) {
      await wait((1 - tokens) / perMs, options.signal);
      refill();
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

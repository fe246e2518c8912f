/**
 * The LLM requests of one process, paced and bounded: `--rpm` spaces request starts evenly
 * (60 000 / rpm ms apart), and at most `concurrency` requests are open at once. A reservation
 * returns how long to wait instead of waiting, so a durable caller can sleep durably (ctx.sleep).
 */
export interface RequestPacer {
  /** Reserves the next start slot; the milliseconds from now until it (0: go now). */
  reserve(): number;
  /** Runs `request` once a concurrency slot is free. */
  bounded<T>(request: () => Promise<T>): Promise<T>;
  readonly rpm: number | null;
  readonly concurrency: number;
}

export const DEFAULT_LLM_CONCURRENCY = 16;

export function createRequestPacer(rpm: number | null, concurrency: number = DEFAULT_LLM_CONCURRENCY, now: () => number = Date.now): RequestPacer {
  if (rpm !== null && !(rpm > 0)) throw new Error(`rpm must be positive, got ${rpm}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const spacing = rpm === null ? 0 : 60_000 / rpm;
  let nextAt = 0;
  let open = 0;
  const queue: (() => void)[] = [];
  return {
    rpm,
    concurrency,
    reserve() {
      if (spacing === 0) return 0;
      const at = Math.max(now(), nextAt);
      nextAt = at + spacing;
      return Math.max(0, Math.round(at - now()));
    },
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

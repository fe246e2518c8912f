/**
 * Queries that wait out a database outage. The workflow's save has the SDK's step retries; the
 * runner's own queries (the catalog listing it submits from, the report at the end) had none, so a
 * database restarted mid-run ended the run with ECONNREFUSED while every workflow rode it out.
 *
 * Only statements that are safe to run twice go through here: reads, and idempotent writes. A
 * transient error (src/db/errors.ts: a lost connection, the server shutting down, …) is retried with
 * bounded backoff; a permanent one (SQLSTATE class 22/23) is thrown at once.
 */
import type pg from 'pg';
import { classifyDbError } from './errors.js';

export interface RetryOptions {
  /** Give up after this long (ms) since the first failure; default 60 s (a 10 s outage and a slow restart). */
  readonly maxWaitMs?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Told each failure that will be retried (once per outage is the caller's choice). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
  /** Stops waiting: the last error is thrown. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_MAX_WAIT_MS = 60_000;

/** Runs `action`, again after each transient database error, until it succeeds or the wait is over. */
export async function retryTransient<T>(action: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let delay = options.initialDelayMs ?? 200;
  let firstFailure: number | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      firstFailure ??= now();
      const waited = now() - firstFailure;
      if (classifyDbError(error).kind === 'permanent' || waited >= maxWait || options.signal?.aborted === true) throw error;
      options.onRetry?.(error, attempt);
      await sleep(Math.min(delay, maxWait - waited));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}

/**
 * The pool, but its `query` retries transient errors (retryTransient). For reads and idempotent
 * writes only; everything else (connect, end, events) is the pool's own.
 */
export function retryingQueries(pool: pg.Pool, options: RetryOptions = {}): pg.Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const retrying = (...args: unknown[]): Promise<unknown> => {
    // A callback or a submittable (a cursor) is not a plain promise query: no retry for those.
    if (args.some((arg) => typeof arg === 'function') || typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') return query(...args);
    return retryTransient(() => query(...args), options);
  };
  return new Proxy(pool, {
    get(target, property, receiver) {
      return property === 'query' ? retrying : (Reflect.get(target, property, receiver) as unknown);
    },
  });
}

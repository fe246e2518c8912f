/**
 * The runner's queries wait out a database outage (src/db/retry.ts): a transient error (a refused
 * connection, the server shutting down) is retried with bounded backoff, a permanent one (SQLSTATE
 * class 22/23) is thrown at once, and the wait has an end.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { retryingQueries, retryTransient, type RetryOptions } from '../src/db/retry.js';

/** A clock that sleeps by moving forward, and the sleeps it was asked for. */
function fakeTime(): { options: Required<Pick<RetryOptions, 'now' | 'sleep'>>; sleeps: number[] } {
  let at = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      now: () => at,
      sleep: (ms) => {
        sleeps.push(ms);
        at += ms;
        return Promise.resolve();
      },
    },
  };
}

function errorWithCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

const refused = (): Error => errorWithCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');

describe('retryTransient', () => {
  it('retries a refused connection with doubling delays until the database answers', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await retryTransient(() => (++calls < 5 ? Promise.reject(refused()) : Promise.resolve('rows')), time.options);
    expect(result).toBe('rows');
    expect(calls).toBe(5);
    expect(time.sleeps).toEqual([200, 400, 800, 1_600]);
  });

  it('waits out a 10 s outage within its default bound, the delay capped at 5 s', async () => {
    const time = fakeTime();
    const back = 10_000;
    const result = await retryTransient(() => (time.options.now() < back ? Promise.reject(errorWithCode('terminating connection due to administrator command', '57P01')) : Promise.resolve(1)), time.options);
    expect(result).toBe(1);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(5_000);
  });

  it('throws a permanent error at once (a CHECK violation)', async () => {
    const time = fakeTime();
    let calls = 0;
    const check = errorWithCode('new row violates check constraint', '23514');
    await expect(retryTransient(() => { calls += 1; return Promise.reject(check); }, time.options)).rejects.toBe(check);
    expect(calls).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it('gives up after maxWaitMs with the last error', async () => {
    const time = fakeTime();
    const onRetry: number[] = [];
    await expect(retryTransient(() => Promise.reject(refused()), { ...time.options, maxWaitMs: 3_000, onRetry: (_error, attempt) => onRetry.push(attempt) })).rejects.toThrow(/ECONNREFUSED/);
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(3_000);
    expect(onRetry).toEqual([1, 2, 3, 4]);
  });

  it('stops retrying once its signal is aborted', async () => {
    const time = fakeTime();
    const stop = new AbortController();
    let calls = 0;
    const action = (): Promise<never> => {
      calls += 1;
      if (calls === 2) stop.abort();
      return Promise.reject(refused());
    };
    await expect(retryTransient(action, { ...time.options, signal: stop.signal })).rejects.toThrow(/ECONNREFUSED/);
    expect(calls).toBe(2);
  });
});

describe('retryingQueries', () => {
  it('retries the pool\'s query and leaves everything else to the pool', async () => {
    const time = fakeTime();
    let calls = 0;
    const fake = {
      query: (text: string) => (++calls < 3 ? Promise.reject(refused()) : Promise.resolve({ rows: [{ text }] })),
      totalCount: 7,
    };
    const pool = retryingQueries(fake as unknown as pg.Pool, time.options);
    await expect(pool.query('SELECT 1')).resolves.toEqual({ rows: [{ text: 'SELECT 1' }] });
    expect(calls).toBe(3);
    expect(pool.totalCount).toBe(7);
  });
});

// The asker's time bounds (src/workflow/llm/lease.ts): every step ends inside Restate's abort window
// whatever the provider's timeout, the batcher's lease covers a whole step, and both hand-outs of a
// question end before the workflow stops waiting for it. And the two mechanisms that enforce the
// step bound: an attempt cut at its bound, a request slot waited for at most so long.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../src/llm/config.js';
import { createRequestPacer, SLOT_BUSY } from '../src/llm/request-pacer.js';
import { withinMs } from '../src/workflow/llm/answer-batch.js';
import { ANSWER_TIMEOUT_MS } from '../src/workflow/llm/ask.js';
import { ASK_STEP_RETRY, ASKER_RETRY, askerTimings, DB_ALLOWANCE_MS, MAX_SENDS } from '../src/workflow/llm/lease.js';

describe('asker timings', () => {
  it.each([1_000, 3_000, DEFAULT_TIMEOUT_MS, 600_000, 1_800_000])('with a %i ms provider timeout, a whole step fits in the abort window', (timeoutMs) => {
    const t = askerTimings(timeoutMs);
    // One attempt: the wait for a request slot, the request, the database writes.
    expect(t.attemptMs).toBe(t.slotWaitMs + timeoutMs + DB_ALLOWANCE_MS);
    // Every attempt the SDK may make, and the backoffs in between, before Restate would ask the asker to suspend.
    expect(t.stepMs).toBeGreaterThanOrEqual(ASK_STEP_RETRY.maxRetryAttempts * t.attemptMs);
    expect(t.stepMs).toBeLessThanOrEqual(t.inactivityTimeoutMs);
    expect(t.stepMs).toBeLessThan(t.inactivityTimeoutMs + t.abortTimeoutMs);
    // The lease outlasts a step and the engine's longest wait before it retries a dead asker.
    expect(t.leaseMs).toBeGreaterThanOrEqual(t.stepMs + ASKER_RETRY.maxInterval);
  });

  it('with the default timeout, every hand-out of a question ends before the workflow stops waiting (60 min)', () => {
    const t = askerTimings(DEFAULT_TIMEOUT_MS);
    expect(MAX_SENDS * t.leaseMs).toBeLessThan(ANSWER_TIMEOUT_MS);
    // The numbers the README quotes.
    expect(t).toMatchObject({ slotWaitMs: 120_000, attemptMs: 250_000, stepMs: 1_003_500, leaseMs: 1_033_500, inactivityTimeoutMs: 1_063_500 });
  });

  it('refuses a timeout that is not positive', () => {
    expect(() => askerTimings(0)).toThrow(/positive/);
  });
});

describe('step bounds', () => {
  it('an attempt that hangs is cut at its bound; one that ends in time returns its value', async () => {
    await expect(withinMs(50, () => new Promise(() => undefined))).rejects.toThrow(/longer than its 50 ms bound/);
    await expect(withinMs(1_000, () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('a request slot is waited for at most maxWaitMs: then the request does not run, and the queue moves on', async () => {
    const pacer = createRequestPacer(1);
    let release: () => void = () => undefined;
    const holder = pacer.bounded(() => new Promise<string>((resolve) => (release = () => { resolve('first'); })));
    let ran = false;
    const busy = await pacer.bounded(() => {
      ran = true;
      return Promise.resolve('second');
    }, 30);
    expect(busy).toBe(SLOT_BUSY);
    expect(ran).toBe(false);
    // The one that gave up left no place in the queue: a later request gets the slot once it is free.
    const third = pacer.bounded(() => Promise.resolve('third'), 5_000);
    release();
    expect(await holder).toBe('first');
    expect(await third).toBe('third');
  });
});

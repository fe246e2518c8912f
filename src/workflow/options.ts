/**
 * Retry and retention settings of the classify workflow, in one place so they can be read and
 * tuned together.
 *
 * Two levels of retry:
 * - Each step (`ctx.run`) retries its own transient errors with bounded exponential backoff. When a
 *   step runs out of attempts the SDK turns the last error into a TerminalError; the workflow then
 *   stores the failure (stage, reason, attempts) and ends as failed. This is where database outages
 *   are absorbed.
 * - The invocation retry policy covers what happens outside a step: the endpoint crashed or was
 *   unreachable. It is bounded too, but ends in "pause", not "kill": such an invocation keeps its
 *   journal, so resuming it (admin API / `restate invocations resume`) recomputes and re-pays no
 *   finished step. (The server's default is 70 attempts, then pause.)
 */
import type { RetryPolicy, RunOptions } from '@restatedev/restate-sdk';

/** The retry options of one step (the subset of the SDK's RunOptions that we set). */
export type StepRetry = Pick<
  RunOptions<unknown>,
  'maxRetryAttempts' | 'initialRetryInterval' | 'maxRetryInterval' | 'retryIntervalFactor'
>;

/**
 * The save talks to the database, which may be briefly away (a restart, a failover): 12 attempts,
 * 200 ms doubling to at most 5 s between them, about 36 s of waiting in all, so a 10 s outage is
 * ridden out with room for the server's own restart, and the first attempt after it comes back is at
 * most 5 s late. Bounded, so a database gone for good fails the indicator within a minute. Only
 * transient errors use these retries: one the database will refuse every time (SQLSTATE class 22 or
 * 23, src/db/errors.ts) ends the step at once (steps.ts).
 */
export const SAVE_RETRY: StepRetry = {
  maxRetryAttempts: 12,
  initialRetryInterval: 200,
  retryIntervalFactor: 2,
  maxRetryInterval: 5_000,
};

/** Recording a failure is a database write like the save: the same retries. */
export const FAILURE_RETRY: StepRetry = SAVE_RETRY;

/**
 * Invocation-level retries (endpoint down, crash mid-step). A step's own retries are separate: the
 * SDK counts them against the step's RunOptions, not this policy (checked against restate-server
 * 1.7: a save with 5 attempts under an invocation policy of 2 still made 5).
 */
export const INVOCATION_RETRY: RetryPolicy = {
  initialInterval: 250,
  exponentiationFactor: 2,
  maxInterval: 30_000,
  maxAttempts: 60,
  onMaxAttempts: 'pause',
};

/**
 * How long Restate keeps a finished workflow (its result and journal): resubmitting the same key
 * within this window is a no-op. 24 h matches the server default, stated so it cannot drift.
 */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

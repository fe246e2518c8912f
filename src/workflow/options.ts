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
 * The save talks to the database, which may be briefly away: 8 attempts, 200 ms doubling to at
 * most 10 s between them (about 23 s of waiting in all) before the workflow gives up.
 */
export const SAVE_RETRY: StepRetry = {
  maxRetryAttempts: 8,
  initialRetryInterval: 200,
  retryIntervalFactor: 2,
  maxRetryInterval: 10_000,
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

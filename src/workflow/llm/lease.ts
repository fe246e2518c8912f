/**
 * How long the asker may take, computed from its settings, and the lease the batcher gives it.
 *
 * Restate aborts an attempt whose handler makes no progress for `inactivityTimeout` and then does
 * not suspend within `abortTimeout`; a step in progress can neither report progress nor suspend, so
 * every step of the asker must end inside that window, or it is aborted, run again, and a request
 * already answered (not yet cached) is paid twice. The bound is enforced, not hoped for: each attempt
 * of a request step is cut at `attemptMs` (askerStep in answer-batch.ts), and the SDK makes at most
 * `ASK_STEP_RETRY.maxRetryAttempts` attempts with the backoffs in between.
 *
 * The batcher leases each batch it hands out: a question whose asker has not shown life (the
 * `lease` call it makes before every request and every durable sleep) within `leaseMs` is handed
 * out again, once; after that it is answered "none" (the rules' answer is kept, flagged, and the
 * report counts it under `no-answer`). A lease covers the longest stretch without such a call: one
 * whole step with its retries, plus the engine's wait before it retries an asker whose endpoint died.
 */

/** The retries of one asker step (database trouble in the cache or the request log); the LLM's own retries are answerBatch's. */
export const ASK_STEP_RETRY = { maxRetryAttempts: 4, initialRetryInterval: 500, retryIntervalFactor: 2, maxRetryInterval: 5_000 } as const;

/** The asker invocation's retry policy when its endpoint is down or crashed (beyond a step's own retries). */
export const ASKER_RETRY = {
  initialInterval: 1_000,
  exponentiationFactor: 2,
  maxInterval: 30_000,
  maxAttempts: 30,
  // Its questions belong to the batcher, whose lease hands them out again: a paused asker would only linger.
  onMaxAttempts: 'kill',
} as const;

/** The database work of one attempt (the request log row and the cached answers), at most. */
export const DB_ALLOWANCE_MS = 10_000;

/** Restate's windows for the asker (at least; longer when the provider's timeout needs it). */
export const MIN_INACTIVITY_TIMEOUT_MS = 15 * 60_000;
export const ABORT_TIMEOUT_MS = 15 * 60_000;

/** A batch may be handed out this many times in all before its questions are answered "none". */
export const MAX_SENDS = 2;

export interface AskerTimings {
  /** Longest wait for one of this process's request slots inside a step; then the attempt ends "busy". */
  readonly slotWaitMs: number;
  /** One attempt of a request step: slot wait + the provider's timeout + the database writes. */
  readonly attemptMs: number;
  /** One step with all its retries and the backoffs between them. */
  readonly stepMs: number;
  /** Restate's inactivity timeout for the asker: a whole step fits in it (and the abort window follows). */
  readonly inactivityTimeoutMs: number;
  readonly abortTimeoutMs: number;
  /** How long the batcher waits for a sign of life before handing a batch out again. */
  readonly leaseMs: number;
}

/** The asker's time bounds for a provider whose requests time out after `timeoutMs`. */
export function askerTimings(timeoutMs: number): AskerTimings {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`the LLM timeout must be positive, got ${timeoutMs}`);
  const slotWaitMs = timeoutMs;
  const attemptMs = slotWaitMs + timeoutMs + DB_ALLOWANCE_MS;
  const stepMs = ASK_STEP_RETRY.maxRetryAttempts * attemptMs + backoffsMs(ASK_STEP_RETRY.maxRetryAttempts - 1);
  return {
    slotWaitMs,
    attemptMs,
    stepMs,
    inactivityTimeoutMs: Math.max(MIN_INACTIVITY_TIMEOUT_MS, stepMs + 60_000),
    abortTimeoutMs: ABORT_TIMEOUT_MS,
    leaseMs: stepMs + ASKER_RETRY.maxInterval,
  };
}

/** The sum of the first `count` waits between step attempts. */
function backoffsMs(count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += Math.min(ASK_STEP_RETRY.initialRetryInterval * ASK_STEP_RETRY.retryIntervalFactor ** i, ASK_STEP_RETRY.maxRetryInterval);
  }
  return total;
}

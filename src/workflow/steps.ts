/**
 * Journaled steps and permanent failures. A step is one `ctx.run`: its result is journaled, so a
 * replay returns it without running the action again. A step that can never succeed — it threw a
 * TerminalError, a database error no retry can fix (src/db/errors.ts), or ran out of its bounded
 * retries — has its failure stored through the store (in its own journaled step, so a replay stores
 * it once) and ends the workflow as failed.
 */
import { TerminalError, type WorkflowContext } from '@restatedev/restate-sdk';
import { classifyDbError } from '../db/errors.js';
import type { ClassificationStore } from '../db/store.js';
import { FAILURE_RETRY, type StepRetry } from './options.js';

export interface StepDeps {
  readonly store: ClassificationStore;
  /** Test hook, called inside each step's `ctx.run`: only when the step really runs, never on replay. */
  readonly onStage?: ((stage: string, workflowKey: string) => void) | undefined;
  /** Retries of the failure record (default FAILURE_RETRY). */
  readonly failureRetry?: StepRetry | undefined;
}

/** Who a failure belongs to. */
export interface FailureIdentity {
  readonly runId: string;
  readonly indicatorId: string;
  readonly workflowKey: string;
}

/** Metadata key on our own TerminalErrors: how many attempts were made before giving up. */
const ATTEMPTS = 'attempts';

export async function runStep<T>(
  ctx: WorkflowContext,
  deps: StepDeps,
  identity: FailureIdentity,
  stage: string,
  action: () => T | Promise<T>,
  retry: StepRetry,
): Promise<T> {
  try {
    return await ctx.run(
      stage,
      async () => {
        deps.onStage?.(stage, identity.workflowKey);
        return await byKind(action);
      },
      retry,
    );
  } catch (error) {
    // Anything but a TerminalError (a suspension, a lost connection) belongs to the SDK: let it through.
    if (!(error instanceof TerminalError)) throw error;
    return await failWorkflow(ctx, deps, identity, stage, error.message, attemptsOf(error, retry));
  }
}

/** Stores the failure once, then ends the workflow as failed with the same reason. */
export async function failWorkflow(
  ctx: WorkflowContext,
  deps: StepDeps,
  identity: FailureIdentity,
  stage: string,
  reason: string,
  attempts: number,
): Promise<never> {
  const metadata = { stage, [ATTEMPTS]: String(attempts) };
  try {
    await ctx.run('record-failure', () => byKind(() => deps.store.recordFailure({ ...identity, stage, reason, attempts })), deps.failureRetry ?? FAILURE_RETRY);
  } catch (error) {
    if (!(error instanceof TerminalError)) throw error;
    // The database is gone for good: the workflow still fails, and Restate keeps both reasons.
    throw new TerminalError(`${stage}: ${reason} (storing this failure failed too: ${error.message})`, { metadata });
  }
  throw new TerminalError(`${stage}: ${reason}`, { metadata });
}

/**
 * Runs a step's action and sorts what it throws: "never" (a TerminalError of its own, or a database
 * error no retry can fix) becomes a TerminalError marked with 1 attempt, so the SDK does not retry it
 * and it is told apart from the SDK giving up after retries; anything else is thrown for a retry.
 */
async function byKind<T>(action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof TerminalError) throw withAttempts(error, 1);
    const { kind, sqlstate, reason } = classifyDbError(error);
    if (kind === 'permanent') throw withAttempts(new TerminalError(reason), 1);
    // Transient: retried; the SQLSTATE goes with the message, so a step that runs out of retries says it.
    throw sqlstate === null ? error : new Error(reason, { cause: error });
  }
}

function withAttempts(error: TerminalError, attempts: number): TerminalError {
  if (error.metadata?.[ATTEMPTS] !== undefined) return error;
  return new TerminalError(error.message, { errorCode: error.code, metadata: { ...error.metadata, [ATTEMPTS]: String(attempts) } });
}

/**
 * A TerminalError thrown by the action itself (a store that knows the write can never succeed) is
 * marked with 1 attempt (journaled with it). The one the SDK makes when the step runs out of retries
 * carries the last error's message and no metadata: every attempt was made.
 */
function attemptsOf(error: TerminalError, retry: StepRetry): number {
  const stated = Number(error.metadata?.[ATTEMPTS]);
  return Number.isInteger(stated) && stated > 0 ? stated : (retry.maxRetryAttempts ?? 1);
}

/**
 * The LLM asker: a Restate service (many run at once) that answers one batch from the batcher and
 * reports the verdicts back to it. Each request waits for a grant of the shared budget
 * (src/workflow/llm/budget.ts) with a durable sleep, so a long queue suspends instead of holding a
 * connection open; each request is one journaled step (answerBatch), so a replay never asks again.
 */
import * as restate from '@restatedev/restate-sdk';
import { fallbackWhy } from '../../llm/stages/merge.js';
import { NO_CAPS } from '../../llm/budget.js';
import { answerBatch, type AskRuntime } from './answer-batch.js';
import { BUDGET } from './budget.js';
import { ASKER, BATCHER } from './batcher.js';
import type { BatchRequest, Verdict } from './messages.js';
import type { LlmService } from './service.js';

/** A step's own retries cover the database (cache, request log); the LLM's retries are answerBatch's. */
const ASK_STEP_RETRY = { maxRetryAttempts: 4, initialRetryInterval: 500, retryIntervalFactor: 2, maxRetryInterval: 5_000 };

export function createLlmAsker(llm: LlmService | undefined) {
  return restate.service({
    name: ASKER.name,
    handlers: {
      ask: async (ctx: restate.Context, batch: BatchRequest): Promise<void> => {
        let verdicts: Record<string, Verdict>;
        if (llm === undefined) {
          verdicts = noneFor(batch, fallbackWhy('not-configured', 'no LLM is configured at this service endpoint'));
        } else {
          try {
            verdicts = await answerBatch(restateRuntime(ctx), llm, { ...batch, caps: batch.caps ?? NO_CAPS });
          } catch (error) {
            if (!(error instanceof restate.TerminalError)) throw error;
            // The waiting workflows must hear back, or they would wait forever: they keep the rules' answers.
            verdicts = noneFor(batch, fallbackWhy('step-failed', error.message));
          }
        }
        ctx.objectSendClient(BATCHER, batch.batcherKey).done({ verdicts });
      },
    },
    options: {
      // One request (and its bounded wait for a concurrency slot) per step: room before Restate aborts it.
      inactivityTimeout: 15 * 60_000,
      abortTimeout: 15 * 60_000,
    },
  });
}

function restateRuntime(ctx: restate.Context): AskRuntime {
  return {
    step: (name, action) => ctx.run(name, action, ASK_STEP_RETRY),
    sleep: (ms) => ctx.sleep(ms),
    acquire: (key, request) => ctx.objectClient(BUDGET, key).acquire(request),
    report: (key, signal) => ctx.objectSendClient(BUDGET, key).report(signal),
  };
}

function noneFor(batch: BatchRequest, reason: string): Record<string, Verdict> {
  return Object.fromEntries(batch.questions.map((question) => [question.signature, { kind: 'none', reason } as const]));
}

/**
 * The LLM asker: a Restate service (many run at once) that answers one batch from the batcher and
 * reports the verdicts back to it. The `--rpm` slot is taken in a journaled step and waited for
 * with a durable sleep, so a long queue suspends instead of holding a connection open; the
 * request itself is one journaled step (answerBatch), so a replay never asks again.
 */
import * as restate from '@restatedev/restate-sdk';
import { fallbackWhy } from '../../llm/stages/merge.js';
import { answerBatch } from './answer-batch.js';
import { ASKER, BATCHER } from './batcher.js';
import type { BatchRequest, Verdict } from './messages.js';
import type { LlmService } from './service.js';

/** The step's own retries cover the database (cache, request log); the LLM's retries are answerBatch's. */
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
          const wait = await ctx.run('rpm slot', () => llm.pacer.reserve());
          if (wait > 0) await ctx.sleep(wait);
          try {
            verdicts = await ctx.run('ask', () => answerBatch(llm, batch.stage, batch.runId, batch.questions), ASK_STEP_RETRY);
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
      // answerBatch may wait out rate limits inside its step: give it room before Restate aborts it.
      inactivityTimeout: 15 * 60_000,
      abortTimeout: 15 * 60_000,
    },
  });
}

function noneFor(batch: BatchRequest, reason: string): Record<string, Verdict> {
  return Object.fromEntries(batch.questions.map((question) => [question.signature, { kind: 'none', reason } as const]));
}

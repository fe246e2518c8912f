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
import { BatchRequest, type Verdict } from './messages.js';
import { zodSerde } from '../serde.js';
import { withModel, type LlmService } from './service.js';
import { ASK_STEP_RETRY, ASKER_RETRY, askerTimings } from './lease.js';
import { DEFAULT_TIMEOUT_MS } from '../../llm/config.js';

export function createLlmAsker(llm: LlmService | undefined) {
  const timings = llm?.timings ?? askerTimings(DEFAULT_TIMEOUT_MS);
  return restate.service({
    name: ASKER.name,
    handlers: {
      // The batch is parsed at the boundary: a malformed one fails before the handler runs, never retried.
      ask: restate.handlers.handler({ input: zodSerde(BatchRequest) }, async (ctx: restate.Context, batch: BatchRequest): Promise<void> => {
        let verdicts: Record<string, Verdict>;
        const asking = llm === undefined ? null : withModel(llm, batch.model);
        if (asking === null) {
          const why = llm === undefined ? 'no LLM is configured at this service endpoint' : `this service endpoint cannot ask model ${batch.model ?? ''}`;
          verdicts = noneFor(batch, fallbackWhy('not-configured', why));
        } else {
          try {
            verdicts = await answerBatch(restateRuntime(ctx, batch), asking, { ...batch, caps: batch.caps ?? NO_CAPS });
          } catch (error) {
            if (!(error instanceof restate.TerminalError)) throw error;
            // The waiting workflows must hear back, or they would wait forever: they keep the rules' answers.
            verdicts = noneFor(batch, fallbackWhy('step-failed', error.message));
          }
        }
        ctx.objectSendClient(BATCHER, batch.batcherKey).done({ verdicts, ...(batch.model === undefined ? {} : { model: batch.model }) });
      }),
    },
    options: {
      // Every step ends inside these (lease.ts computes them from the provider's timeout).
      inactivityTimeout: timings.inactivityTimeoutMs,
      abortTimeout: timings.abortTimeoutMs,
      retryPolicy: ASKER_RETRY,
    },
  });
}

function restateRuntime(ctx: restate.Context, batch: BatchRequest): AskRuntime {
  const sends = batch.sends ?? 1;
  return {
    lease: (signatures, ms) =>
      ctx.objectClient(BATCHER, batch.batcherKey).lease({ signatures: [...signatures], sends, leaseMs: ms, ...(batch.model === undefined ? {} : { model: batch.model }) }),
    step: (name, action) => ctx.run(name, action, ASK_STEP_RETRY),
    sleep: (ms) => ctx.sleep(ms),
    acquire: (key, request) => ctx.objectClient(BUDGET, key).acquire(request),
    report: (key, signal) => ctx.objectSendClient(BUDGET, key).report(signal),
  };
}

function noneFor(batch: BatchRequest, reason: string): Record<string, Verdict> {
  return Object.fromEntries(batch.questions.map((question) => [question.signature, { kind: 'none', reason } as const]));
}

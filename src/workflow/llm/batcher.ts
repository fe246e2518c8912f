/**
 * The LLM batcher: a Restate virtual object that gathers the questions of many indicator
 * workflows into batches. Its key is `<stage>.<shard>` (the shard from the signature), and Restate
 * runs one handler at a time per key, so its state — the questions waiting, and every workflow
 * waiting on each — needs no locks:
 *
 * - `ask`: a question whose signature is already waiting or being asked only adds its waiter
 *   (dedup of concurrent identical questions); a new one joins `pending`. A full batch is handed to
 *   the asker at once; the first question of a batch schedules a `flush` after maxBatchWaitMs.
 * - `flush`: hands over whatever is pending.
 * - `done`: the asker's verdicts; every waiter's awakeable is resolved and the question forgotten.
 *
 * All of it is durable: state, the delayed flush, the send to the asker and the awakeables are
 * Restate's, so a crash anywhere loses no question and resolves no waiter twice.
 */
import * as restate from '@restatedev/restate-sdk';
import { NO_CAPS, tighterCaps, type BudgetCaps } from '../../llm/budget.js';
import type { LlmStage } from '../../llm/stages/schemas.js';
import type { AskRequest, BatchDone, BatchRequest, Delivery, Question } from './messages.js';

export const LLM_BATCHER = 'llmBatcher';
export const LLM_ASKER = 'llmAsker';

/** Batcher keys per stage: enough that busy stages do not queue behind one key. */
export const BATCHER_SHARDS = 4;

export interface BatcherOptions {
  readonly batchSize: number;
  readonly maxBatchWaitMs: number;
}

type Entry = { question: Question; runId: string; waiters: string[]; caps?: BudgetCaps | undefined };

type BatcherApi = {
  ask: (ctx: restate.ObjectContext, request: AskRequest) => Promise<void>;
  flush: (ctx: restate.ObjectContext) => Promise<void>;
  done: (ctx: restate.ObjectContext, done: BatchDone) => Promise<void>;
};
export const BATCHER: restate.VirtualObjectDefinition<typeof LLM_BATCHER, BatcherApi> = { name: LLM_BATCHER };

type AskerApi = { ask: (ctx: restate.Context, batch: BatchRequest) => Promise<void> };
export const ASKER: restate.ServiceDefinition<typeof LLM_ASKER, AskerApi> = { name: LLM_ASKER };

const PENDING = 'pending';
const entryKey = (signature: string) => `q:${signature}`;

export function batcherKey(stage: LlmStage, signature: string): string {
  return `${stage}.${Number.parseInt(signature.slice(0, 8), 16) % BATCHER_SHARDS}`;
}

export function createLlmBatcher(options: BatcherOptions) {
  const handlers: BatcherApi = {
    ask: async (ctx, request) => {
      const key = entryKey(request.question.signature);
      const entry = await ctx.get<Entry>(key);
      if (entry !== null) {
        entry.waiters.push(request.awakeableId);
        ctx.set(key, entry);
        return;
      }
      ctx.set<Entry>(key, { question: request.question, runId: request.runId, waiters: [request.awakeableId], caps: request.caps });
      const pending = [...((await ctx.get<string[]>(PENDING)) ?? []), request.question.signature];
      if (pending.length >= options.batchSize) {
        await dispatch(ctx, pending);
        return;
      }
      ctx.set(PENDING, pending);
      if (pending.length === 1) ctx.objectSendClient(BATCHER, ctx.key).flush(restate.rpc.sendOpts({ delay: options.maxBatchWaitMs }));
    },
    flush: async (ctx) => {
      const pending = (await ctx.get<string[]>(PENDING)) ?? [];
      if (pending.length > 0) await dispatch(ctx, pending);
    },
    done: async (ctx, done) => {
      for (const [signature, verdict] of Object.entries(done.verdicts)) {
        const entry = await ctx.get<Entry>(entryKey(signature));
        if (entry === null) continue;
        entry.waiters.forEach((waiter, i) => {
          const paid = i === 0 && verdict.kind === 'answer' && !verdict.fromCache;
          ctx.resolveAwakeable<Delivery>(waiter, { verdict, paid });
        });
        ctx.clear(entryKey(signature));
      }
    },
  };
  return restate.object({ name: LLM_BATCHER, handlers });
}

/** Hands the pending questions to the asker (a concurrent service) and starts a new batch. */
async function dispatch(ctx: restate.ObjectContext, pending: readonly string[]): Promise<void> {
  const entries: Entry[] = [];
  for (const signature of pending) {
    const entry = await ctx.get<Entry>(entryKey(signature));
    if (entry !== null) entries.push(entry);
  }
  ctx.set<string[]>(PENDING, []);
  const first = entries[0];
  if (first === undefined) return;
  ctx.serviceSendClient(ASKER).ask({
    batcherKey: ctx.key,
    stage: first.question.stage,
    runId: first.runId,
    questions: entries.map((entry) => entry.question),
    caps: entries.reduce<BudgetCaps>((caps, entry) => tighterCaps(caps, entry.caps ?? NO_CAPS), NO_CAPS),
  });
}

/**
 * The workflow's side of an LLM question: the cache first (a journaled read that also counts the
 * hit for this run), else the question goes to the batcher with an awakeable and the workflow
 * waits for the verdict — suspended, costing nothing, and durable across crashes of anything.
 */
import * as restate from '@restatedev/restate-sdk';
import { getCachedAnswer } from '../../db/llm.js';
import type { SharedHit } from '../../db/store.js';
import { itemSchema } from '../../llm/stages/schemas.js';
import { BATCHER, batcherKey } from './batcher.js';
import type { Delivery, Question, Verdict } from './messages.js';
import { cacheKey, type LlmService } from './service.js';

/** A question not answered in this long keeps the rules' answer (slow `--rpm` pacing needs room). */
export const ANSWER_TIMEOUT_MS = 60 * 60_000;

/** A journaled database step (runStep in steps.ts: bounded retries, failure recorded). */
export type DbStep = <T>(name: string, action: () => Promise<T>) => Promise<T>;

export interface Asked {
  readonly verdict: Verdict;
  /**
   * Answered without a request of its own and not yet logged as a hit (served by another
   * indicator's request, or from the cache by the asker): the save logs it (sharedHit).
   */
  readonly shared: boolean;
}

/** The cache hit a shared answer counts as, logged with the save. */
export function sharedHit(ctx: restate.WorkflowContext, llm: LlmService, question: Question): SharedHit {
  const key = cacheKey(llm, question.stage, question.signature);
  return { id: hitId(ctx, question), signature: key.signature, stage: key.stage, promptVersion: key.promptVersion, model: key.model };
}

/** Deterministic per workflow and stage: a replayed read or save counts the hit once. */
function hitId(ctx: restate.WorkflowContext, question: Question): string {
  return `${ctx.key}:${question.stage}`;
}

export async function askLlm(
  ctx: restate.WorkflowContext,
  llm: LlmService | undefined,
  step: DbStep,
  runId: string,
  question: Question,
): Promise<Asked> {
  if (llm === undefined) return { verdict: { kind: 'none', reason: 'no LLM is configured at this service endpoint' }, shared: false };
  const key = cacheKey(llm, question.stage, question.signature);
  const hit = { id: hitId(ctx, question), runId };
  const cached = await step(`${question.stage} cache`, () => getCachedAnswer(llm.pool, key, hit));
  const answer = itemSchema(question.stage).safeParse(cached);
  // The read logged the hit already.
  if (answer.success) return { verdict: { kind: 'answer', answer: answer.data, fromCache: true }, shared: false };

  const { id, promise } = ctx.awakeable<Delivery>();
  ctx.objectSendClient(BATCHER, batcherKey(question.stage, question.signature)).ask({ runId, question, awakeableId: id });
  let delivery: Delivery;
  try {
    delivery = await promise.orTimeout(ANSWER_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof restate.TimeoutError)) throw error;
    return { verdict: { kind: 'none', reason: `no LLM answer within ${ANSWER_TIMEOUT_MS / 60_000} min` }, shared: false };
  }
  const { verdict } = delivery;
  if (verdict.kind === 'none') return { verdict, shared: false };
  const delivered = itemSchema(question.stage).safeParse(verdict.answer);
  if (!delivered.success) return { verdict: { kind: 'none', reason: 'LLM answer failed validation' }, shared: false };
  return { verdict: { kind: 'answer', answer: delivered.data, fromCache: !delivery.paid }, shared: !delivery.paid };
}

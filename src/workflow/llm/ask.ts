/**
 * The workflow's side of an LLM question: the cache first (a journaled read that also counts the
 * hit for this run), else the question goes to the batcher with an awakeable and the workflow
 * waits for the verdict — suspended, costing nothing, and durable across crashes of anything.
 */
import * as restate from '@restatedev/restate-sdk';
import { getCachedAnswer } from '../../db/llm.js';
import { itemSchema } from '../../llm/stages/schemas.js';
import { BATCHER, batcherKey } from './batcher.js';
import type { Delivery, Question, Verdict } from './messages.js';
import { cacheKey, type LlmService } from './service.js';

/** A question not answered in this long keeps the rules' answer (slow `--rpm` pacing needs room). */
export const ANSWER_TIMEOUT_MS = 60 * 60_000;

/** A journaled database step (runStep in steps.ts: bounded retries, failure recorded). */
export type DbStep = <T>(name: string, action: () => Promise<T>) => Promise<T>;

export async function askLlm(
  ctx: restate.WorkflowContext,
  llm: LlmService | undefined,
  step: DbStep,
  runId: string,
  question: Question,
): Promise<Verdict> {
  if (llm === undefined) return { kind: 'none', reason: 'no LLM is configured at this service endpoint' };
  const key = cacheKey(llm, question.stage, question.signature);
  // Deterministic per workflow and stage: a replayed read counts the hit once.
  const hit = { id: `${ctx.key}:${question.stage}`, runId };
  const cached = await step(`${question.stage} cache`, () => getCachedAnswer(llm.pool, key, hit));
  const answer = itemSchema(question.stage).safeParse(cached);
  if (answer.success) return { kind: 'answer', answer: answer.data, fromCache: true };

  const { id, promise } = ctx.awakeable<Delivery>();
  ctx.objectSendClient(BATCHER, batcherKey(question.stage, question.signature)).ask({ runId, question, awakeableId: id });
  let delivery: Delivery;
  try {
    delivery = await promise.orTimeout(ANSWER_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof restate.TimeoutError)) throw error;
    return { kind: 'none', reason: `no LLM answer within ${ANSWER_TIMEOUT_MS / 60_000} min` };
  }
  const { verdict } = delivery;
  if (verdict.kind === 'none') return verdict;
  const delivered = itemSchema(question.stage).safeParse(verdict.answer);
  if (!delivered.success) return { kind: 'none', reason: 'LLM answer failed validation' };
  // Served by another indicator's request (dedup): count it as this run's cache hit.
  if (!delivery.paid) await step(`${question.stage} shared`, () => getCachedAnswer(llm.pool, key, hit));
  return { kind: 'answer', answer: delivered.data, fromCache: !delivery.paid };
}

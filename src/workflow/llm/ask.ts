/**
 * The workflow's side of an LLM question: the cache first (read in the stage's journaled step, which
 * also counts the hit for this run), else the question goes to the batcher with an awakeable and the
 * workflow waits for the verdict — suspended, costing nothing, and durable across crashes of anything.
 */
import * as restate from '@restatedev/restate-sdk';
import { cachedQuestionId, getCachedAnswer, getCachedAnswers, type CachedQuestion } from '../../db/llm.js';
import type { BudgetCaps } from '../../llm/budget.js';
import type { SharedHit } from '../../db/store.js';
import { fallbackWhy } from '../../llm/stages/merge.js';
import { itemSchema, type StageAnswer } from '../../llm/stages/schemas.js';
import { BATCHER, batcherKey } from './batcher.js';
import { Delivery, type Question, type Verdict } from './messages.js';
import { zodSerde } from '../serde.js';
import { PROMPT_VERSION } from '../../llm/prompt/system.js';
import type { LlmService } from './service.js';
import type { CacheKey } from '../../db/llm.js';

function modelCacheKey(model: string, stage: Question['stage'], signature: string): CacheKey {
  return { signature, stage, promptVersion: PROMPT_VERSION, model };
}

/** A question not answered in this long keeps the rules' answer (slow `--rpm` pacing needs room). */
export const ANSWER_TIMEOUT_MS = 60 * 60_000;

export interface Asked {
  readonly verdict: Verdict;
  /**
   * Answered without a request of its own and not yet logged as a hit (served by another
   * indicator's request, or from the cache by the asker): the save logs it (sharedHit).
   */
  readonly shared: boolean;
}

/** The cache hit a shared answer counts as, logged with the save. */
export function sharedHit(workflowKey: string, model: string, question: Question): SharedHit {
  const key = modelCacheKey(model, question.stage, question.signature);
  return { id: hitId(workflowKey, question), signature: key.signature, stage: key.stage, promptVersion: key.promptVersion, model: key.model };
}

/** Deterministic per workflow and stage: a replayed read or save counts the hit once. */
function hitId(workflowKey: string, question: Question): string {
  return `${workflowKey}:${question.stage}`;
}

/**
 * The cached answer to `question`, validated, or null. Runs inside the stage's journaled step (the
 * workflow reads the cache with the rules, in one step); a hit is logged for this run, once per
 * workflow and stage however often the step runs.
 */
export async function readCachedAnswer(workflowKey: string, llm: LlmService | undefined, model: string, runId: string, question: Question): Promise<StageAnswer | null> {
  // Without an LLM here the pool is not at hand either: nothing cached (journaled, so a replay agrees).
  if (llm === undefined) return null;
  const key = modelCacheKey(model, question.stage, question.signature);
  const cached = await getCachedAnswer(llm.pool, key, { id: hitId(workflowKey, question), runId });
  const answer = itemSchema(question.stage).safeParse(cached);
  return answer.success ? answer.data : null;
}

/**
 * The answers the cache holds to the questions the rules predict for this indicator, read at once
 * (one journaled step instead of one per stage): what a follower needs comes in one round trip.
 * A plain read; the hits are logged with the save (sharedHit).
 */
export async function readCachedAnswers(llm: LlmService | undefined, model: string, questions: readonly CachedQuestion[]): Promise<Record<string, unknown>> {
  if (llm === undefined) return {};
  return await getCachedAnswers(llm.pool, questions, { promptVersion: PROMPT_VERSION, model });
}

/**
 * What the prefetch says about `question`: its valid answer, null when it was read and is not
 * cached (the batcher's asker reads the cache again before it pays), undefined when it was not
 * predicted (an LLM answer changed an earlier stage) and the cache must be read for it.
 */
export function prefetchedAnswer(
  prefetch: { readonly asked: ReadonlySet<string>; readonly answers: Readonly<Record<string, unknown>> },
  question: Question,
): StageAnswer | null | undefined {
  const id = cachedQuestionId(question);
  if (!prefetch.asked.has(id)) return undefined;
  const answer = itemSchema(question.stage).safeParse(prefetch.answers[id]);
  return answer.success ? answer.data : null;
}

/** Sends a question the cache could not answer to the batcher and waits, suspended, for the verdict. */
export async function awaitAnswer(ctx: restate.WorkflowContext, runId: string, question: Question, caps: BudgetCaps): Promise<Asked> {
  // Whatever this process's environment says: the asker answers "none" when its endpoint has no LLM.
  // The delivery is parsed as it arrives; the answer's fit to its stage is checked below.
  const { id, promise } = ctx.awakeable(zodSerde(Delivery));
  ctx.objectSendClient(BATCHER, batcherKey(question.stage, question.signature)).ask({ runId, question, awakeableId: id, caps });
  let delivery: Delivery;
  try {
    delivery = await promise.orTimeout(ANSWER_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof restate.TimeoutError)) throw error;
    return { verdict: { kind: 'none', reason: fallbackWhy('no-answer', `no LLM answer within ${ANSWER_TIMEOUT_MS / 60_000} min`) }, shared: false };
  }
  const { verdict } = delivery;
  if (verdict.kind === 'none') return { verdict, shared: false };
  const delivered = itemSchema(question.stage).safeParse(verdict.answer);
  if (!delivered.success) return { verdict: { kind: 'none', reason: fallbackWhy('invalid-answer', 'the delivered answer failed validation') }, shared: false };
  return { verdict: { kind: 'answer', answer: delivered.data, fromCache: !delivery.paid }, shared: !delivery.paid };
}

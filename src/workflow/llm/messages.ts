/**
 * What the classify workflow, the batcher and the asker send each other (all JSON, journaled by
 * Restate). One question per (stage, signature): indicators with the same signature share it.
 * Each message is a zod schema, the one source of its type: the receiving handler parses it with
 * it at the boundary (src/workflow/serde.ts), so a malformed message fails before the handler runs.
 */
import { z } from 'zod';
import { Family } from '../../domain/taxonomy.js';
import { BudgetCaps } from '../../llm/budget.js';
import { LlmStage, type StageAnswer } from '../../llm/stages/schemas.js';

/** A JSON object (indicatorContext's result: the prompt shows it as it is). */
const JsonObject = z.custom<object>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object');

export const Question = z.object({
  stage: LlmStage,
  /** signature(...).hash: the dedup and cache key. */
  signature: z.string().min(1),
  /** indicatorContext(...) of the indicator that asked first. */
  context: JsonObject,
  /** Type stage: the family the answer must fit. */
  family: Family.optional(),
  /**
   * The model the workflow's policy asks (absent: the endpoint's, as before): a restarted endpoint
   * with another model in its environment still asks this one, and caches under it.
   */
  model: z.string().min(1).optional(),
});
export type Question = z.infer<typeof Question>;

/** A question's identity at the batcher: its model and signature (the same signature for two models is two questions). */
export function questionId(question: { readonly signature: string; readonly model?: string | undefined }): string {
  return question.model === undefined ? question.signature : `${question.model}|${question.signature}`;
}

/**
 * An answer as it travels: an object here; which stage's schema it must fit is known only beside its
 * question, and is checked there (answer-batch.ts when it is made, ask.ts when it is delivered).
 */
const TravellingAnswer = z.custom<StageAnswer>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an answer object');

/** The outcome of one question. */
export const Verdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('answer'), answer: TravellingAnswer, fromCache: z.boolean() }),
  /** No valid answer (after the one re-ask, or the provider gave up): the rules' answer is kept, flagged. */
  z.object({ kind: z.literal('none'), reason: z.string() }),
]);
export type Verdict = z.infer<typeof Verdict>;

/** Workflow → batcher: "answer this, then resolve my awakeable". */
export const AskRequest = z.object({
  runId: z.string().min(1),
  question: Question,
  awakeableId: z.string().min(1),
  /** The run's LLM caps (absent: none; older submissions). */
  caps: BudgetCaps.optional(),
});
export type AskRequest = z.infer<typeof AskRequest>;

/** Which hand-out of some questions a message belongs to (1, or 2 when the first asker's lease ran out). */
const Sends = z.number().int().positive();

/** Batcher → asker: one batch of distinct questions of one stage. */
export const BatchRequest = z.object({
  batcherKey: z.string().min(1),
  stage: LlmStage,
  /** The run whose indicator asked first: its report counts the request. */
  runId: z.string().min(1),
  questions: z.array(Question),
  /** The tightest caps of the runs whose questions are in the batch. */
  caps: BudgetCaps.optional(),
  /** Absent: 1. */
  sends: Sends.optional(),
  /** The model every question of the batch asks (absent: the endpoint's). */
  model: z.string().min(1).optional(),
});
export type BatchRequest = z.infer<typeof BatchRequest>;

/** Asker → batcher: "I am still at these questions for `leaseMs`"; answered with the ones still the asker's. */
export const Lease = z.object({
  signatures: z.array(z.string()),
  sends: Sends,
  leaseMs: z.number().int().nonnegative(),
  model: z.string().min(1).optional(),
});
export type Lease = z.infer<typeof Lease>;

/** Batcher → itself, delayed by a lease: hand out again (or answer "none") what is overdue. */
export const Expire = z.object({
  signatures: z.array(z.string()),
  sends: Sends,
  model: z.string().min(1).optional(),
});
export type Expire = z.infer<typeof Expire>;

/** Asker → batcher: a verdict per signature. */
export const BatchDone = z.object({
  verdicts: z.record(z.string(), Verdict),
  /** The batch's model (absent: none was named). */
  model: z.string().min(1).optional(),
});
export type BatchDone = z.infer<typeof BatchDone>;

/** Batcher → each waiting workflow (the awakeable's payload). */
export const Delivery = z.object({
  verdict: Verdict,
  /** True for the one waiter whose question a request paid for; the others were served by dedup. */
  paid: z.boolean(),
});
export type Delivery = z.infer<typeof Delivery>;

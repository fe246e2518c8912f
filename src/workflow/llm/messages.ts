/**
 * What the classify workflow, the batcher and the asker send each other (all JSON, journaled by
 * Restate). One question per (stage, signature): indicators with the same signature share it.
 */
import type { Family } from '../../domain/taxonomy.js';
import type { BudgetCaps } from '../../llm/budget.js';
import type { LlmStage, StageAnswer } from '../../llm/stages/schemas.js';

export interface Question {
  readonly stage: LlmStage;
  /** signature(...).hash: the dedup and cache key. */
  readonly signature: string;
  /** indicatorContext(...) of the indicator that asked first. */
  readonly context: object;
  /** Type stage: the family the answer must fit. */
  readonly family?: Family | undefined;
  /**
   * The model the workflow's policy asks (absent: the endpoint's, as before): a restarted endpoint
   * with another model in its environment still asks this one, and caches under it.
   */
  readonly model?: string | undefined;
}

/** A question's identity at the batcher: its model and signature (the same signature for two models is two questions). */
export function questionId(question: { readonly signature: string; readonly model?: string | undefined }): string {
  return question.model === undefined ? question.signature : `${question.model}|${question.signature}`;
}

/** The outcome of one question. */
export type Verdict =
  | { readonly kind: 'answer'; readonly answer: StageAnswer; readonly fromCache: boolean }
  /** No valid answer (after the one re-ask, or the provider gave up): the rules' answer is kept, flagged. */
  | { readonly kind: 'none'; readonly reason: string };

/** Workflow → batcher: "answer this, then resolve my awakeable". */
export interface AskRequest {
  readonly runId: string;
  readonly question: Question;
  readonly awakeableId: string;
  /** The run's LLM caps (absent: none; older submissions). */
  readonly caps?: BudgetCaps | undefined;
}

/** Batcher → asker: one batch of distinct questions of one stage. */
export interface BatchRequest {
  readonly batcherKey: string;
  readonly stage: LlmStage;
  /** The run whose indicator asked first: its report counts the request. */
  readonly runId: string;
  readonly questions: readonly Question[];
  /** The tightest caps of the runs whose questions are in the batch. */
  readonly caps?: BudgetCaps | undefined;
  /** Which hand-out of these questions this is (1, or 2 when the first asker's lease ran out; absent: 1). */
  readonly sends?: number | undefined;
  /** The model every question of the batch asks (absent: the endpoint's). */
  readonly model?: string | undefined;
}

/** Asker → batcher: "I am still at these questions for `leaseMs`"; answered with the ones still the asker's. */
export interface Lease {
  readonly signatures: readonly string[];
  readonly sends: number;
  readonly leaseMs: number;
  readonly model?: string | undefined;
}

/** Batcher → itself, delayed by a lease: hand out again (or answer "none") what is overdue. */
export interface Expire {
  readonly signatures: readonly string[];
  readonly sends: number;
  readonly model?: string | undefined;
}

/** Asker → batcher: a verdict per signature. */
export interface BatchDone {
  readonly verdicts: Readonly<Record<string, Verdict>>;
  /** The batch's model (absent: none was named). */
  readonly model?: string | undefined;
}

/** Batcher → each waiting workflow. */
export interface Delivery {
  readonly verdict: Verdict;
  /** True for the one waiter whose question a request paid for; the others were served by dedup. */
  readonly paid: boolean;
}

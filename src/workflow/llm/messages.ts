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
}

/** Asker → batcher: a verdict per signature. */
export interface BatchDone {
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

/** Batcher → each waiting workflow. */
export interface Delivery {
  readonly verdict: Verdict;
  /** True for the one waiter whose question a request paid for; the others were served by dedup. */
  readonly paid: boolean;
}

/**
 * Which questions a run would put to the LLM, without asking: per stage, the fields `shouldAsk`
 * (src/llm/plan.ts) sends to the model, deduplicated by signature (src/llm/signature.ts, one
 * question per unique signature), then cut into batches of `batchSize` (one request each).
 *
 * Streaming: `add` takes one indicator at a time and keeps only the first indicator's question per
 * signature (its compact context, never the series), so memory grows with the number of concepts.
 */
import type { Indicator } from '../domain/indicator.js';
import type { Classification } from '../domain/results.js';
import type { Family } from '../domain/taxonomy.js';
import { shouldAsk, type LlmPolicy, type RunMode } from '../llm/plan.js';
import { indicatorContext, type IndicatorContext } from '../llm/prompt/context.js';
import { signature } from '../llm/signature.js';
import { chunk } from '../llm/stages/batch.js';
import type { LlmStage } from '../llm/stages/schemas.js';

/** The LLM stages in the order a workflow runs them (every entry of LLM_STAGES, once). */
export const ESTIMATE_STAGES: readonly LlmStage[] = ['time', 'cumulative', 'family', 'type', 'orientation'];

/** One unique question: the first indicator seen with this signature stands for all of them. */
export type Question = {
  stage: LlmStage;
  /** The signature hash (the llm_cache key). */
  hash: string;
  /** What the model is shown of the indicator (indicatorContext; its id is replaced by the batch id). */
  context: IndicatorContext;
  /** Type stage: the family the answer must fit (the rules' family). */
  family?: Family;
  /** The rules' classification: the shape of a typical answer (output tokens). */
  rules: Classification;
};

export type StagePlan = {
  stage: LlmStage;
  /** Indicators whose field this stage would ask the LLM. */
  asked: number;
  /** One per unique signature, in catalog order of first appearance. */
  questions: Question[];
};

/** One request: a batch of questions of one stage. */
export type Batch = { stage: LlmStage; questions: Question[] };

/** The policy a mode stands for: null (rules) asks nothing. */
export function policyOf(mode: RunMode, threshold: number): LlmPolicy | null {
  return mode === 'rules' ? null : { mode, threshold };
}

export type Planner = {
  add(indicator: Indicator, rules: Classification): void;
  plans(): StagePlan[];
};

export function createPlanner(policy: LlmPolicy | null): Planner {
  const stages = new Map<LlmStage, { plan: StagePlan; seen: Set<string> }>(
    ESTIMATE_STAGES.map((stage) => [stage, { plan: { stage, asked: 0, questions: [] }, seen: new Set<string>() }]),
  );
  return {
    add(indicator, rules) {
      // Built once per indicator, shared by its stages; only when a stage needs a new question.
      let context: IndicatorContext | undefined;
      for (const [stage, { plan, seen }] of stages) {
        if (!shouldAsk(policy, stage, rules[stage], indicator)) continue;
        plan.asked += 1;
        const family = stage === 'type' ? rules.family.family : undefined;
        const { hash } = signature({ name: indicator.name, normalization: rules.normalization, time: rules.time, family }, stage);
        if (seen.has(hash)) continue;
        seen.add(hash);
        context ??= indicatorContext(indicator, { normalization: rules.normalization, time: rules.time, cumulative: rules.cumulative });
        plan.questions.push({ stage, hash, context, ...(family === undefined ? {} : { family }), rules });
      }
    },
    plans() {
      return [...stages.values()].map(({ plan }) => plan);
    },
  };
}

/** Every stage's questions in chunks of `batchSize`: one request per chunk. */
export function batchesOf(plans: readonly StagePlan[], batchSize: number): Batch[] {
  return plans.flatMap((plan) => chunk(plan.questions, batchSize).map((questions) => ({ stage: plan.stage, questions })));
}

/**
 * Which questions a run would put to the LLM, without asking: per stage, the fields `shouldAsk`
 * (src/llm/plan.ts) sends to the model, deduplicated by signature (src/llm/signature.ts, one
 * question per unique signature), then batched as the workflow's batcher does
 * (src/workflow/llm/batcher.ts): one queue per stage and shard (`batcherKey`), each cut into
 * batches of `batchSize`, one request each. That is the fewest requests a run sends: a batcher
 * also flushes a partial batch after its wait (DEFAULT_MAX_BATCH_WAIT_MS), so slowly arriving questions make more.
 *
 * Each question's context is built as the workflow builds it (classify-workflow.ts): the time and
 * cumulative stages see the normalization and time results, the later stages the cumulative one too.
 *
 * Streaming: `add` takes one indicator at a time and keeps only the first indicator's question per
 * signature (its compact context, never the series), so memory grows with the number of concepts.
 */
import type { Indicator } from '../domain/indicator.js';
import type { Classification } from '../domain/results.js';
import type { Family } from '../domain/taxonomy.js';
import { plannedQuestions, type LlmPolicy, type RunMode } from '../llm/plan.js';
import { indicatorContext, type IndicatorContext } from '../llm/prompt/context.js';
import { chunk } from '../llm/stages/batch.js';
import type { LlmStage } from '../llm/stages/schemas.js';
import { batcherKey } from '../workflow/llm/batcher.js';

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
      // Built at most once per indicator and shape, only when a stage needs a new question.
      const { normalization, time, cumulative } = rules;
      let early: IndicatorContext | undefined;
      let late: IndicatorContext | undefined;
      // As in the workflow: a question shows the stages so far and its own stage's rules.
      const contextFor = (stage: LlmStage): IndicatorContext =>
        stage === 'time'
          ? (early ??= indicatorContext(indicator, { normalization, time }))
          : (late ??= indicatorContext(indicator, { normalization, time, cumulative }));
      for (const { stage, signature: hash, family } of plannedQuestions(policy, indicator, rules)) {
        const entry = stages.get(stage);
        if (entry === undefined) continue;
        entry.plan.asked += 1;
        if (entry.seen.has(hash)) continue;
        entry.seen.add(hash);
        entry.plan.questions.push({ stage, hash, context: contextFor(stage), ...(family === undefined ? {} : { family }), rules });
      }
    },
    plans() {
      return [...stages.values()].map(({ plan }) => plan);
    },
  };
}

/** Every stage's questions per batcher key (stage and shard), in chunks of `batchSize`: one request per chunk. */
export function batchesOf(plans: readonly StagePlan[], batchSize: number): Batch[] {
  return plans.flatMap((plan) => {
    const queues = new Map<string, Question[]>();
    for (const question of plan.questions) {
      const key = batcherKey(plan.stage, question.hash);
      const queue = queues.get(key);
      if (queue === undefined) queues.set(key, [question]);
      else queue.push(question);
    }
    return [...queues.values()].flatMap((queue) => chunk(queue, batchSize).map((questions) => ({ stage: plan.stage, questions })));
  });
}

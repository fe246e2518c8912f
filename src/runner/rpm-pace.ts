/**
 * `--rpm` without `--ipm`: the submission pace that keeps the LLM at its cap. It starts from the
 * requests per indicator this run is expected to make — the estimator's plan of questions for the
 * planned indicators, less those already answered in the cache, batched as the batcher batches —
 * and is corrected as the run goes from the requests per indicator it measures. Never a constant.
 */
import type pg from 'pg';
import { cachedQuestions } from '../db/llm.js';
import type { Indicator } from '../domain/indicator.js';
import { batchesOf, createPlanner } from '../estimate/plan-requests.js';
import type { LlmPolicy } from '../llm/plan.js';
import { PROMPT_VERSION } from '../llm/prompt/system.js';
import { classifyWithRules } from '../stages/pipeline.js';

export interface ExpectedRequests {
  readonly indicators: number;
  /** Unique questions the plan asks, and of those the ones already cached. */
  readonly questions: number;
  readonly cached: number;
  readonly requests: number;
  readonly perIndicator: number;
}

/** The requests a run of these indicators would make (the fewest: full batches). */
export async function expectedRequests(
  pool: pg.Pool,
  indicators: AsyncIterable<Indicator>,
  /** `model`: whose cached answers count; null (the endpoint's own LLM, unknown here): none do. */
  options: { policy: LlmPolicy; batchSize: number; model: string | null },
): Promise<ExpectedRequests> {
  const planner = createPlanner(options.policy);
  let count = 0;
  for await (const indicator of indicators) {
    planner.add(indicator, classifyWithRules(indicator));
    count += 1;
  }
  const plans = planner.plans();
  const all = plans.flatMap((plan) => plan.questions.map((q) => ({ stage: plan.stage, signature: q.hash })));
  const cached = options.model === null ? new Set<string>() : await cachedQuestions(pool, { promptVersion: PROMPT_VERSION, model: options.model }, all);
  const uncached = plans.map((plan) => ({ ...plan, questions: plan.questions.filter((q) => !cached.has(`${plan.stage}:${q.hash}`)) }));
  const requests = batchesOf(uncached, options.batchSize).length;
  return { indicators: count, questions: all.length, cached: cached.size, requests, perIndicator: count === 0 ? 0 : requests / count };
}

/** Completions between corrections: fewer say too little about the requests they caused. */
const MIN_SAMPLE = 20;
/** One correction changes the pace by at most this factor, so one odd stretch cannot swing it. */
const MAX_STEP = 2;
/** Changes smaller than this are not worth a correction. */
const DEADBAND = 0.1;

export interface RpmPace {
  /** Indicators per minute to submit now; null: no requests expected, so no pace from --rpm. */
  readonly ipm: number | null;
  /**
   * Given the run's totals so far (requests that reached the provider, indicators finished), the
   * new pace when the requests per indicator measured since the last correction call for one.
   */
  correct(totals: { requests: number; finished: number }): number | null;
}

export function rpmPace(rpm: number, expectedPerIndicator: number): RpmPace {
  let ipm = expectedPerIndicator > 0 ? rpm / expectedPerIndicator : null;
  let last = { requests: 0, finished: 0 };
  return {
    get ipm() {
      return ipm;
    },
    correct(totals) {
      const finished = totals.finished - last.finished;
      if (finished < MIN_SAMPLE) return null;
      const perIndicator = (totals.requests - last.requests) / finished;
      last = totals;
      // No requests lately (answers from the cache): the cap is far off; speed up by the most one step allows.
      const wanted = perIndicator > 0 ? rpm / perIndicator : Number.POSITIVE_INFINITY;
      if (ipm === null) return null;
      const next = Math.min(ipm * MAX_STEP, Math.max(ipm / MAX_STEP, wanted));
      if (Math.abs(next - ipm) / ipm < DEADBAND) return null;
      ipm = next;
      return ipm;
    },
  };
}

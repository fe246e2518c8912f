/**
 * `classify estimate`: what an LLM run of a catalog would ask and cost, without running it (no
 * network, no database, no engine). Rules on every indicator, the product's plan of which fields
 * the LLM is asked, dedup by signature, batches, the real prompt tokenized, priced per model.
 */
import { readCatalogWithSummary, type CatalogFormat, type CatalogSummary, type RejectedRow } from '../catalog/read.js';
import type { Indicator } from '../domain/indicator.js';
import type { ReasoningEffort } from '../llm/config.js';
import type { RunMode } from '../llm/plan.js';
import { costUsd, DEFAULT_PRICING, requirePrice, type PricingTable } from '../llm/pricing.js';
import { isReasoningModel } from '../llm/openai.js';
import type { TokenUsage } from '../llm/provider.js';
import type { LlmStage } from '../llm/stages/schemas.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { BATCHER_SHARDS } from '../workflow/llm/batcher.js';
import { DEFAULT_MAX_BATCH_WAIT_MS } from '../workflow/llm/service.js';
import { batchesOf, createPlanner, policyOf } from './plan-requests.js';
import { project, type Pace, type Projection } from './projection.js';
import { TYPICAL_REASON } from './request.js';
import { createTokenCounter, SIM_REASONING_FRACTION } from './tokens.js';

export { ESTIMATE_STAGES } from './plan-requests.js';
export { PROJECTION_SIZES, type Pace, type Projection } from './projection.js';

export type EstimateOptions = {
  mode: RunMode;
  threshold: number;
  batchSize: number;
  model: string;
  /** reasoning_effort sent to reasoning models (LLM_REASONING_EFFORT, default low). */
  effort: ReasoningEffort;
  pricing?: Readonly<PricingTable>;
  pace?: Pace;
};

export type Tokens = { input: number; cached: number; output: number; reasoning: number };

export type StageEstimate = Tokens & {
  stage: LlmStage;
  /** Indicators whose field of this stage would be asked. */
  asked: number;
  /** Unique signatures among them: one question each. */
  unique: number;
  requests: number;
  costUsd: number;
};

export type Estimate = {
  mode: RunMode;
  threshold: number;
  batchSize: number;
  model: string;
  effort: ReasoningEffort;
  pace: Pace;
  /** Rows read, accepted (the indicators estimated) and rejected. */
  catalog: CatalogSummary;
  stages: StageEstimate[];
  requests: number;
  tokens: Tokens;
  costUsd: number;
  requestsPerIndicator: number;
  costPer1000Usd: number;
  projections: Projection[];
  /** What the numbers assume, in words. */
  assumptions: string[];
};

/** Collects indicators one at a time; `finish` plans, counts and prices. */
export function createEstimator(options: EstimateOptions): { add(indicator: Indicator): void; finish(catalog: CatalogSummary): Promise<Estimate> } {
  const pricing = options.pricing ?? DEFAULT_PRICING;
  requirePrice(options.model, pricing); // An unpriced model fails before the catalog is read.
  const planner = createPlanner(policyOf(options.mode, options.threshold));
  return {
    add(indicator) {
      planner.add(indicator, classifyWithRules(indicator));
    },
    async finish(catalog) {
      const plans = planner.plans();
      const count = createTokenCounter({ model: options.model, effort: options.effort });
      const totals = new Map<LlmStage, Tokens & { requests: number }>(plans.map((plan) => [plan.stage, { ...noTokens(), requests: 0 }]));
      for (const batch of batchesOf(plans, options.batchSize)) {
        const tokens = await count(batch);
        const total = totals.get(batch.stage);
        if (total === undefined) throw new Error(`estimate: unplanned stage ${batch.stage}`);
        total.requests += 1;
        total.input += tokens.input;
        total.cached += tokens.cached;
        total.output += tokens.output;
        total.reasoning += tokens.reasoning;
      }
      const stages: StageEstimate[] = plans.map((plan) => {
        const total = totals.get(plan.stage) ?? { ...noTokens(), requests: 0 };
        return { stage: plan.stage, asked: plan.asked, unique: plan.questions.length, ...total, costUsd: price(options.model, total, pricing) };
      });
      const tokens = stages.reduce<Tokens>(
        (sum, stage) => ({
          input: sum.input + stage.input,
          cached: sum.cached + stage.cached,
          output: sum.output + stage.output,
          reasoning: sum.reasoning + stage.reasoning,
        }),
        noTokens(),
      );
      const requests = stages.reduce((sum, stage) => sum + stage.requests, 0);
      const cost = price(options.model, tokens, pricing);
      const indicators = catalog.accepted;
      const pace = options.pace ?? {};
      return {
        mode: options.mode,
        threshold: options.threshold,
        batchSize: options.batchSize,
        model: options.model,
        effort: options.effort,
        pace,
        catalog,
        stages,
        requests,
        tokens,
        costUsd: cost,
        requestsPerIndicator: indicators === 0 ? 0 : requests / indicators,
        costPer1000Usd: indicators === 0 ? 0 : (cost / indicators) * 1000,
        projections: project({ indicators, requests, costUsd: cost }, pace),
        assumptions: assumptions(options),
      };
    },
  };
}

/** Estimates a list of indicators (all accepted). */
export async function estimateIndicators(indicators: Iterable<Indicator>, options: EstimateOptions): Promise<Estimate> {
  const estimator = createEstimator(options);
  let accepted = 0;
  for (const indicator of indicators) {
    estimator.add(indicator);
    accepted += 1;
  }
  return estimator.finish({ read: accepted, accepted, rejected: 0 });
}

export type CatalogEstimateOptions = EstimateOptions & {
  format?: CatalogFormat;
  /** Called for every rejected row (the CLI reports it by line on stderr). */
  onRejected?: (row: RejectedRow) => void;
  /** Called for every row read, accepted or not (the CLI's progress line). */
  onRow?: () => void;
};

/** Streams the catalog through the rules and the plan, then counts and prices. */
export async function estimateCatalog(path: string, options: CatalogEstimateOptions): Promise<Estimate> {
  const estimator = createEstimator(options);
  const summary = await readCatalogWithSummary(path, {
    ...(options.format === undefined ? {} : { format: options.format }),
    onRow: (row) => {
      options.onRow?.();
      if (row.kind === 'rejected') options.onRejected?.(row);
      else estimator.add(row.indicator);
    },
  });
  return estimator.finish(summary);
}

function noTokens(): Tokens {
  return { input: 0, cached: 0, output: 0, reasoning: 0 };
}

function price(model: string, tokens: Tokens, pricing: Readonly<PricingTable>): number {
  const usage: TokenUsage = { inputTokens: tokens.input, cachedTokens: tokens.cached, outputTokens: tokens.output, reasoningTokens: tokens.reasoning };
  const cost = costUsd(model, usage, pricing);
  if (cost === null) throw new Error(`estimate: no price for model "${model}"`);
  return cost;
}

function assumptions(options: EstimateOptions): string[] {
  const list = [
    'an empty LLM cache: each unique signature is asked once (a later run of the same concepts asks nothing)',
    'every answer valid at the first request (no re-ask of missing or invalid items)',
    "every question asked from the rules' results: an LLM answer to an earlier stage (time, family) could change a later stage's context, signature or, for type, family",
    `batches as the workflow's batcher forms them: one queue per stage and shard (${BATCHER_SHARDS} shards a stage), full batches of ${options.batchSize} but the last of each queue; a paced run whose questions trickle in past the batcher's ${DEFAULT_MAX_BATCH_WAIT_MS} ms wait flushes partial batches (more requests)`,
    'input tokens: o200k_base (gpt-tokenizer) counted as llm-sim counts them: the answer schema, the system prefix and the user message with the chat overhead',
    'cached tokens: OpenAI\'s rule as llm-sim implements it (identical prefix of at least 1,024 tokens, in 128-token steps), requests sent one after another within the cache lifetime; the first request of each stage is uncached (concurrent first requests would miss more)',
    `output tokens: per item, the rules' answer as the stage's answer JSON with a typical 12-word reason ("${TYPICAL_REASON}"), plus the {"results":[…]} wrapper`,
  ];
  if (isReasoningModel(options.model)) {
    list.push(
      `reasoning tokens by llm-sim's model: ${Math.round(SIM_REASONING_FRACTION * 100)}% of completion tokens at medium effort, scaled for effort "${options.effort}" (none 0, minimal 0.25, low 0.5, medium 1, high 2); real reasoning varies per request and can be larger`,
    );
  } else {
    list.push(`reasoning tokens: 0 (${options.model} is not a reasoning model)`);
  }
  if (options.model.startsWith('claude')) {
    list.push("Anthropic model: tokens are counted with OpenAI's tokenizer and cache rule; Claude's tokenizer and cache writes (1.25x) differ");
  }
  list.push(
    "projections: linear at this catalog's rate per indicator, i.e. a larger catalog repeats concepts at this catalog's rate; dedup makes the real cost of a larger catalog of the same concepts grow slower than linearly",
  );
  return list;
}

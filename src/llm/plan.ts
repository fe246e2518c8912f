/**
 * Which fields the LLM is asked: the one rule both the workflow and `classify estimate` follow.
 *
 * - rules:  never.
 * - llm:    every LLM stage (time, family, type, orientation); cumulative only when the detector
 *           could not tell and the wording suggests accumulation (it stays on the values).
 * - hybrid: a stage whose rules' confidence is below the threshold; cumulative as in llm mode,
 *           and only below the threshold.
 */
import { z } from 'zod';
import type { Indicator } from '../domain/indicator.js';
import type { Classification, CumulativeResult, Provenance } from '../domain/results.js';
import type { Family } from '../domain/taxonomy.js';
import { BudgetCaps } from './budget.js';
import { signature } from './signature.js';
import { shouldAskCumulative } from './stages/cumulative.js';
import { LLM_STAGES, type LlmStage } from './stages/schemas.js';

export const RunMode = z.enum(['rules', 'llm', 'hybrid']);
export type RunMode = z.infer<typeof RunMode>;

/**
 * Below this confidence a rules' answer counts as unsure in hybrid mode. Chosen by measurement: the
 * threshold `classify eval` picks on the labeled set the weights are fitted on (dev.jsonl with the
 * standard's corrections plus the holdouts already measured; README, Quality: choosing the threshold;
 * test/fit.test.ts keeps the two equal). The time and orientation confidences are fitted too, so one
 * threshold asks the same question of every stage.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.81;

/** How a run uses the LLM: travels in each workflow's input, so a replay decides the same way. */
export const LlmPolicy = z.object({
  mode: z.enum(['llm', 'hybrid']),
  threshold: z.number().min(0).max(1),
  /** The run's LLM caps (`--rpm`, `--tpm`), shared by every service process (absent: none). */
  caps: BudgetCaps.optional(),
  /**
   * The model the run asks, fixed for the workflow's life (absent: a run that does not know its
   * endpoint's LLM, `--endpoint-url`; the workflow then reads the endpoint's once, in a journaled step).
   */
  model: z.string().min(1).optional(),
});
export type LlmPolicy = z.infer<typeof LlmPolicy>;

export function shouldAsk(
  policy: LlmPolicy | null,
  stage: LlmStage,
  rules: Provenance,
  indicator: Pick<Indicator, 'name' | 'units'>,
): boolean {
  if (policy === null) return false;
  const unsure = policy.mode === 'llm' || rules.confidence < policy.threshold;
  if (stage === 'cumulative') return unsure && shouldAskCumulative(indicator, rules as CumulativeResult);
  return unsure;
}

/** A question the policy would ask: its stage and dedup signature (and, for type, the family it must fit). */
export interface PlannedQuestion {
  readonly stage: LlmStage;
  readonly signature: string;
  readonly family?: Family | undefined;
}

/**
 * Every question the policy would ask about this indicator, judged from the rules' results alone
 * (in a run, an LLM answer to an earlier stage can change a later question).
 */
export function plannedQuestions(policy: LlmPolicy | null, indicator: Pick<Indicator, 'name' | 'units'>, rules: Classification): PlannedQuestion[] {
  const questions: PlannedQuestion[] = [];
  for (const stage of LLM_STAGES) {
    if (!shouldAsk(policy, stage, rules[stage], indicator)) continue;
    const family = stage === 'type' ? rules.family.family : undefined;
    const { hash } = signature({ name: indicator.name, units: indicator.units, normalization: rules.normalization, time: rules.time, family }, stage);
    questions.push({ stage, signature: hash, family });
  }
  return questions;
}

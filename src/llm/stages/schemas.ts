/**
 * The answer schemas of the LLM stages, derived from the taxonomy's zod enums (src/domain), so
 * the JSON schema the model is held to and the validator of its answers are the same object.
 * Every item is tied to its indicator by `id` and carries a confidence and a one-line reason.
 */
import { z } from 'zod';
import {
  CumulativePattern,
  Family,
  IndicatorType,
  Orientation,
  ReportingFrequency,
  TemporalAggregation,
  TimeBasis,
} from '../../domain/taxonomy.js';

export const LLM_STAGES = ['time', 'family', 'type', 'orientation', 'cumulative'] as const;
export const LlmStage = z.enum(LLM_STAGES);
export type LlmStage = z.infer<typeof LlmStage>;

export function isLlmStage(stage: string): stage is LlmStage {
  return LlmStage.safeParse(stage).success;
}

const common = {
  id: z.string().min(1),
  confidence: z.number().min(0).max(1),
  // A long reason is shortened when merged (merge.ts), never a cause to ask again.
  reason: z.string().trim().min(1),
};

export const TimeAnswer = z.object({
  id: common.id,
  reporting_frequency: ReportingFrequency,
  time_basis: TimeBasis,
  confidence: common.confidence,
  reason: common.reason,
});
export type TimeAnswer = z.infer<typeof TimeAnswer>;

export const FamilyAnswer = z.object({ id: common.id, family: Family, confidence: common.confidence, reason: common.reason });
export type FamilyAnswer = z.infer<typeof FamilyAnswer>;

/** `type` is any taxonomy type here; that it belongs to the indicator's family is checked per item (batch.ts). */
export const TypeAnswer = z.object({
  id: common.id,
  type: IndicatorType,
  temporal_aggregation: TemporalAggregation,
  is_currency_denominated: z.boolean(),
  confidence: common.confidence,
  reason: common.reason,
});
export type TypeAnswer = z.infer<typeof TypeAnswer>;

export const OrientationAnswer = z.object({
  id: common.id,
  orientation: Orientation,
  confidence: common.confidence,
  reason: common.reason,
});
export type OrientationAnswer = z.infer<typeof OrientationAnswer>;

export const CumulativeAnswer = z.object({
  id: common.id,
  is_cumulative: z.boolean(),
  pattern: CumulativePattern,
  confidence: common.confidence,
  reason: common.reason,
});
export type CumulativeAnswer = z.infer<typeof CumulativeAnswer>;

/** Stage → the type of one answer item. */
export type StageAnswers = {
  time: TimeAnswer;
  family: FamilyAnswer;
  type: TypeAnswer;
  orientation: OrientationAnswer;
  cumulative: CumulativeAnswer;
};
export type StageAnswer<S extends LlmStage = LlmStage> = StageAnswers[S];

type ItemSchemas = { readonly [S in LlmStage]: z.ZodType<StageAnswers[S]> };
const ITEM_SCHEMAS: ItemSchemas = {
  time: TimeAnswer,
  family: FamilyAnswer,
  type: TypeAnswer,
  orientation: OrientationAnswer,
  cumulative: CumulativeAnswer,
};

/** The schema of one answer item of `stage`. */
export function itemSchema<S extends LlmStage>(stage: S): z.ZodType<StageAnswers[S]> {
  return ITEM_SCHEMAS[stage];
}

export type BatchAnswer<S extends LlmStage> = { results: StageAnswers[S][] };

/** The request's schema: `{ results: Item[] }` (OpenAI strict mode needs an object root). */
export function stageSchema<S extends LlmStage>(stage: S): z.ZodType<BatchAnswer<S>> {
  return z.object({ results: z.array(itemSchema(stage)) });
}

/** The name the JSON schema / tool is sent under (a-z, 0-9, _ only). */
export function schemaName(stage: LlmStage): string {
  return `${stage}_answers`;
}

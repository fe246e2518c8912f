/**
 * What each stage returns. Every result carries its provenance: a confidence (0–1), who decided
 * (rules, llm, override) and a one-line reason.
 */
import { z } from 'zod';
import {
  CumulativePattern,
  FamilyType,
  Family,
  IndicatorType,
  Orientation,
  ReportingFrequency,
  Scale,
  Source,
  TemporalAggregation,
  TimeBasis,
  UnitType,
} from './taxonomy.js';

export const Provenance = z.object({
  confidence: z.number().min(0).max(1),
  source: Source,
  reason: z.string().min(1),
});
export type Provenance = z.infer<typeof Provenance>;

export const NormalizationResult = Provenance.extend({
  unit_type: UnitType,
  scale: Scale,
  scale_factor: z.number().positive(),
  /** ISO 4217 code, or null when the values are not money. */
  currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
  /** The denominator of a per-unit unit ("barrel", "MWh", "1000 people"), or null. */
  per_unit: z.string().nullable(),
});
export type NormalizationResult = z.infer<typeof NormalizationResult>;

export const TimeInferenceResult = Provenance.extend({
  reporting_frequency: ReportingFrequency,
  time_basis: TimeBasis,
  /** What the catalog's periodicity said, and what the spacing of the dates says (null: no evidence). */
  declared_frequency: ReportingFrequency.nullable(),
  observed_frequency: ReportingFrequency.nullable(),
});
export type TimeInferenceResult = z.infer<typeof TimeInferenceResult>;

export const CumulativeEvidence = z.object({
  /** Real observations analysed (pseudo-dates and missing values excluded). */
  points: z.number().int().nonnegative(),
  /** Year boundaries where the value fell back towards zero. */
  year_resets: z.number().int().nonnegative(),
  /** Years (with at least two points) in which the values never fell. */
  monotone_years: z.number().int().nonnegative(),
  years: z.number().int().nonnegative(),
});
export type CumulativeEvidence = z.infer<typeof CumulativeEvidence>;

export const CumulativeResult = Provenance.extend({
  is_cumulative: z.boolean(),
  pattern: CumulativePattern,
  evidence: CumulativeEvidence,
});
export type CumulativeResult = z.infer<typeof CumulativeResult>;

export const FamilyResult = Provenance.extend({ family: Family });
export type FamilyResult = z.infer<typeof FamilyResult>;

export const TypeResult = Provenance.extend({
  type: IndicatorType,
  temporal_aggregation: TemporalAggregation,
  is_currency_denominated: z.boolean(),
});
export type TypeResult = z.infer<typeof TypeResult>;

export const OrientationResult = Provenance.extend({ orientation: Orientation });
export type OrientationResult = z.infer<typeof OrientationResult>;

/**
 * The whole answer for one indicator. Family and type are validated as a pair, so a
 * classification with a type outside its family is rejected.
 */
export const Classification = z
  .object({
    indicator_id: z.string().min(1),
    normalization: NormalizationResult,
    time: TimeInferenceResult,
    cumulative: CumulativeResult,
    family: FamilyResult,
    type: TypeResult,
    orientation: OrientationResult,
  })
  .superRefine((c, ctx) => {
    const pair = FamilyType.safeParse({ family: c.family.family, type: c.type.type });
    if (!pair.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['type', 'type'],
        message: `type "${c.type.type}" does not belong to family "${c.family.family}"`,
      });
    }
  });
export type Classification = z.infer<typeof Classification>;

/**
 * The classification standard (shared/TAXONOMY.md) as one module: every enum, and which types
 * belong to which family. Everything else (TypeScript types, validators, the LLM's JSON schema,
 * database enums) derives from the schemas here.
 */
import { z } from 'zod';

export const UnitType = z.enum([
  'currency-amount',
  'percentage',
  'index',
  'count',
  'physical',
  'ratio',
  'rate',
  'duration',
  'unknown',
]);
export type UnitType = z.infer<typeof UnitType>;

export const Scale = z.enum(['ones', 'hundreds', 'thousands', 'millions', 'billions', 'trillions']);
export type Scale = z.infer<typeof Scale>;

export const ReportingFrequency = z.enum([
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'semiannual',
  'annual',
  'irregular',
]);
export type ReportingFrequency = z.infer<typeof ReportingFrequency>;

export const TimeBasis = z.enum(['point-in-time', 'per-period', 'cumulative']);
export type TimeBasis = z.infer<typeof TimeBasis>;

export const CumulativePattern = z.enum(['ytd', 'running-total', 'periodic', 'unknown']);
export type CumulativePattern = z.infer<typeof CumulativePattern>;

export const TemporalAggregation = z.enum([
  'point-in-time',
  'period-total',
  'period-average',
  'period-rate',
  'period-cumulative',
  'not-applicable',
]);
export type TemporalAggregation = z.infer<typeof TemporalAggregation>;

export const Orientation = z.enum(['higher-is-positive', 'lower-is-positive', 'neutral']);
export type Orientation = z.infer<typeof Orientation>;

export const Source = z.enum(['rules', 'llm', 'override']);
export type Source = z.infer<typeof Source>;

/**
 * Family and type as one discriminated union: a type outside its family is not representable,
 * neither in TypeScript nor at run time. This union is the single source of the family → types map.
 */
export const FamilyType = z.discriminatedUnion('family', [
  z.object({
    family: z.literal('physical-fundamental'),
    type: z.enum(['stock', 'flow', 'balance', 'capacity', 'volume']),
  }),
  z.object({
    family: z.literal('numeric-measurement'),
    type: z.enum(['count', 'percentage', 'ratio', 'spread', 'share']),
  }),
  z.object({ family: z.literal('price-value'), type: z.enum(['price', 'yield', 'rate']) }),
  z.object({ family: z.literal('change-movement'), type: z.enum(['rate', 'volatility', 'gap']) }),
  z.object({
    family: z.literal('composite-derived'),
    type: z.enum(['index', 'correlation', 'elasticity', 'multiplier']),
  }),
  z.object({ family: z.literal('temporal'), type: z.enum(['duration', 'probability', 'threshold']) }),
  z.object({ family: z.literal('qualitative'), type: z.enum(['sentiment', 'allocation']) }),
  // Only when nothing fits; always sent to review.
  z.object({ family: z.literal('any'), type: z.enum(['other']) }),
]);
export type FamilyType = z.infer<typeof FamilyType>;

export type Family = FamilyType['family'];
export type IndicatorType = FamilyType['type'];
/** The types allowed in family F. */
export type TypeOf<F extends Family> = Extract<FamilyType, { family: F }>['type'];

type FamilyTypes = { readonly [F in Family]: readonly TypeOf<F>[] };
// Object.fromEntries loses the key/value pairing; the union's options guarantee it.
export const FAMILY_TYPES = Object.fromEntries(
  FamilyType.options.map((option) => [option.shape.family.value, option.shape.type.options]),
) as unknown as FamilyTypes;

export const Family = z.enum(Object.keys(FAMILY_TYPES) as [Family, ...Family[]]);
export const IndicatorType = z.enum([
  ...new Set(Object.values(FAMILY_TYPES).flat()),
] as [IndicatorType, ...IndicatorType[]]);

export function typeBelongsToFamily(family: Family, type: IndicatorType): boolean {
  return FamilyType.safeParse({ family, type }).success;
}

/**
 * What the model sees of one indicator: a compact, JSON-able object (a few dozen tokens) with the
 * catalog text, the normalization result, the real cadence of the dates and a summary of the
 * values — never the raw series. Name and description are data: they stay inside this object.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { CumulativeResult, NormalizationResult, TimeInferenceResult } from '../../domain/results.js';
import type { ReportingFrequency, Scale, TimeBasis, UnitType } from '../../domain/taxonomy.js';
import { realObservations, type Observation } from '../../stages/cumulative/series.js';

/** Bounds on free text: a catalog (or an attacker) cannot blow up a request. */
export const MAX_DESCRIPTION_CHARS = 300;
export const MAX_NAME_CHARS = 200;
export const MAX_UNITS_CHARS = 100;

export type ValuesSummary = {
  points: number;
  first_date: string;
  last_date: string;
  min: number;
  max: number;
  last: number;
  /** Average change between consecutive observations (null with one point). */
  mean_change: number | null;
  negative_share: number;
  /** Year boundaries where the value fell back towards zero (year-to-date resets). */
  year_resets: number;
};

export type IndicatorContext = {
  id: string;
  name: string;
  units: string | null;
  periodicity: string | null;
  description: string | null;
  aggregation_method?: string;
  normalization: { unit_type: UnitType; scale: Scale; currency: string | null; per_unit: string | null };
  cadence?: {
    declared: ReportingFrequency | null;
    observed: ReportingFrequency | null;
    reporting_frequency: ReportingFrequency;
    time_basis: TimeBasis;
  };
  cumulative?: { is_cumulative: boolean; pattern: CumulativeResult['pattern'] };
  values: ValuesSummary | null;
};

export type PriorResults = {
  normalization: NormalizationResult;
  time?: TimeInferenceResult;
  cumulative?: CumulativeResult;
};

export function indicatorContext(indicator: Indicator, prior: PriorResults): IndicatorContext {
  const { normalization, time, cumulative } = prior;
  const context: IndicatorContext = {
    id: indicator.id,
    name: clip(indicator.name, MAX_NAME_CHARS) ?? indicator.id,
    units: clip(indicator.units, MAX_UNITS_CHARS),
    periodicity: clip(indicator.periodicity, MAX_UNITS_CHARS),
    description: clip(indicator.description, MAX_DESCRIPTION_CHARS),
    normalization: {
      unit_type: normalization.unit_type,
      scale: normalization.scale,
      currency: normalization.currency,
      per_unit: normalization.per_unit,
    },
    values: summarizeValues(indicator, cumulative?.evidence.year_resets),
  };
  const aggregation = clip(indicator.aggregation_method, MAX_UNITS_CHARS);
  if (aggregation !== null) context.aggregation_method = aggregation;
  if (time) {
    context.cadence = {
      declared: time.declared_frequency,
      observed: time.observed_frequency,
      reporting_frequency: time.reporting_frequency,
      time_basis: time.time_basis,
    };
  }
  if (cumulative) context.cumulative = { is_cumulative: cumulative.is_cumulative, pattern: cumulative.pattern };
  return context;
}

/** One line, at most `max` characters (an ellipsis marks the cut); null for absent or blank text. */
export function clip(text: string | null | undefined, max: number): string | null {
  if (text == null) return null;
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return null;
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** The real observations (pseudo-dates and gaps dropped) as a handful of numbers. */
export function summarizeValues(indicator: Pick<Indicator, 'sample_values'>, knownResets?: number): ValuesSummary | null {
  const observations = realObservations(indicator.sample_values).observations;
  const first = observations[0];
  const last = observations.at(-1);
  if (first === undefined || last === undefined) return null;
  const values = observations.map((o) => o.value);
  const changes = values.slice(1).map((value, i) => value - (values[i] ?? value));
  return {
    points: observations.length,
    first_date: isoDate(first.epochDay),
    last_date: isoDate(last.epochDay),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    last: round(last.value),
    mean_change: changes.length === 0 ? null : round(changes.reduce((a, b) => a + b, 0) / changes.length),
    negative_share: Math.round((values.filter((v) => v < 0).length / values.length) * 100) / 100,
    year_resets: knownResets ?? yearResets(observations),
  };
}

/**
 * Year boundaries where the first value of a year is at most half the last value of the year
 * before (after turning a mostly negative series positive): the mark of a year-to-date sum. Used
 * only when the cumulative stage's own count is not given.
 */
function yearResets(observations: readonly Observation[]): number {
  const negatives = observations.filter((o) => o.value < 0).length;
  const sign = negatives * 2 > observations.length ? -1 : 1;
  let resets = 0;
  for (let i = 1; i < observations.length; i++) {
    const before = observations[i - 1];
    const current = observations[i];
    if (before === undefined || current === undefined || current.year === before.year) continue;
    const previous = sign * before.value;
    if (previous > 0 && sign * current.value <= previous / 2) resets++;
  }
  return resets;
}

/** Four significant digits: enough to read a series, few tokens. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}

function isoDate(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Stage 3, cumulative detection (shared/TAXONOMY.md): rules on the values. Does the series
 * accumulate within each year (year-to-date), since a fixed start (running total), or neither?
 *
 * Tests, in order (first that holds decides):
 * - fewer than 4 real observations, or irregular dates: 'unknown' (not a guess);
 * - annual data cannot accumulate within a year: 'periodic';
 * - ytd across years: resets at (nearly) every year boundary, near-monotone years, and steps that
 *   look like additions (mean step ≈ first value / its position in the year; CPI gives ≈ 0);
 * - ytd within one year: near-monotone, steps like the first value, final value ≥ 2x the first,
 *   relative growth slowing (a, 2a, 3a …, not a compounding price);
 * - running total: no resets, near-monotone, at least doubling over the sample (a sum from near
 *   zero; CPI or population grow a few percent), and relative growth that slows (adding to a
 *   growing sum) rather than staying constant (a compounding level);
 * - otherwise 'periodic'.
 * A name saying YTD / cumulative adds confidence, or stands in for the slowing test; the values decide.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { CumulativeEvidence, CumulativeResult } from '../../domain/results.js';
import type { CumulativePattern, ReportingFrequency } from '../../domain/taxonomy.js';
import { CUMULATIVE_WORDS } from '../time/basis.js';
import {
  falls,
  isNearMonotone,
  isOneSigned,
  mean,
  orient,
  realObservations,
  relativeGrowthSlows,
  type Observation,
} from './series.js';
import {
  accumulationRatio,
  countResets,
  detectYearStart,
  groupByYear,
  type SubAnnualFrequency,
  type YearGroup,
} from './years.js';

export type CumulativeInput = Pick<Indicator, 'name' | 'sample_values'>;

/** Fewer real observations than this cannot show a pattern. */
export const MIN_POINTS = 4;
/**
 * A year accumulates when its mean step is at least this share of the per-period level (≈1 for YTD).
 * Unnamed, the values alone must look more like a sum: a flow peaking late in the year (investment
 * in Q4) also rises from a reset, in steps about half its first value.
 */
const MIN_ACCUMULATION = { named: 0.35, unnamed: 0.65 } as const;
/** One year alone must look like a sum from its start: step/level in this range, and growth. */
const SINGLE_YEAR_RATIO = { low: 0.5, high: 2 } as const;
const SINGLE_YEAR_MIN_GROWTH = 2;
/** Running total: a sum since a start within about one sample length at least doubles over it. */
const RUNNING_MIN_GROWTH = 2;

interface Verdict {
  pattern: CumulativePattern;
  confidence: number;
  reason: string;
}

/** Everything the year-based tests look at, computed once. */
interface Analysis {
  values: readonly number[];
  groups: readonly YearGroup[];
  /** Years with at least two points: the only ones whose shape can be judged. */
  multi: readonly YearGroup[];
  boundaries: number;
  resets: number;
  startMonth: number;
  oneSigned: boolean;
  named: boolean;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function valuesOf(group: YearGroup): number[] {
  return group.points.map((p) => p.value);
}

/** Tolerates one exception in three: one missed reset or one odd year should not decide. */
function allButAThird(count: number): number {
  return count - Math.floor(count / 3);
}

function round(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function ytdAcrossYears(a: Analysis): Verdict | null {
  if (!a.oneSigned || a.boundaries === 0 || a.resets < allButAThird(a.boundaries) || a.multi.length === 0) return null;
  const nearMonotone = a.multi.filter((g) => isNearMonotone(valuesOf(g))).length;
  const minimum = a.named ? MIN_ACCUMULATION.named : MIN_ACCUMULATION.unnamed;
  const accumulating = a.multi.filter((g) => (accumulationRatio(g) ?? 0) >= minimum).length;
  const needed = allButAThird(a.multi.length);
  if (nearMonotone < needed || accumulating < needed) return null;
  const monotone = a.multi.filter((g) => falls(valuesOf(g)).length === 0).length;
  const notes = [
    monotone < a.multi.length ? 'small dips tolerated' : null,
    a.startMonth !== 1 ? `fiscal year from ${MONTHS[a.startMonth - 1] ?? a.startMonth}` : null,
    a.named ? 'name agrees' : null,
  ].filter((n) => n !== null);
  const confidence =
    0.6 + 0.1 * Math.min(a.resets, 3) + (a.named ? 0.05 : 0) - (monotone < a.multi.length ? 0.05 : 0) - (nearMonotone < a.multi.length ? 0.1 : 0) - (a.startMonth !== 1 ? 0.05 : 0);
  const resets = `${a.resets} year-end reset${a.resets === 1 ? '' : 's'}`;
  return {
    pattern: 'ytd',
    confidence: Math.min(confidence, 0.95),
    reason: `ytd: ${resets}, ${monotone}/${a.multi.length} years monotone over ${a.values.length} points${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
  };
}

/** Last over first; a run opening at zero and rising grows without bound. */
function growthOf(values: readonly number[]): number {
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  if (first > 0) return last / first;
  return last > 0 ? Number.POSITIVE_INFINITY : 0;
}

function describeGrowth(growth: number): string {
  return Number.isFinite(growth) ? `${growth.toFixed(1)}x` : 'from zero';
}

function ytdWithinOneYear(a: Analysis): Verdict | null {
  const [group] = a.groups;
  if (a.groups.length !== 1 || group === undefined || !a.oneSigned) return null;
  const values = valuesOf(group);
  const ratio = accumulationRatio(group);
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  const growth = growthOf(values);
  if (!isNearMonotone(values) || ratio === null || growth < SINGLE_YEAR_MIN_GROWTH || !relativeGrowthSlows(values)) return null;
  // An infinite ratio is a year opening at zero: fine. A finite one must look like "p x the flow".
  if (Number.isFinite(ratio) && (ratio < SINGLE_YEAR_RATIO.low || ratio > SINGLE_YEAR_RATIO.high)) return null;
  const times = describeGrowth(growth);
  return {
    pattern: 'ytd',
    confidence: 0.55 + (values.length >= 8 ? 0.1 : 0) + (a.named ? 0.1 : 0),
    reason: `ytd: one year rising ${formatNumber(first)} to ${formatNumber(last)} (${times}) in steps like the first value, over ${values.length} points${a.named ? ' (name agrees)' : ''}`,
  };
}

function meanStepShare(values: readonly number[]): number {
  const level = mean(values);
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  return level > 0 && values.length > 1 ? (last - first) / (values.length - 1) / level : 0;
}

function runningTotal(a: Analysis): Verdict | null {
  if (a.resets > 0 || !a.oneSigned || !isNearMonotone(a.values)) return null;
  const growth = growthOf(a.values);
  if (growth < RUNNING_MIN_GROWTH) return null;
  const slows = relativeGrowthSlows(a.values);
  if (!slows && !a.named) return null;
  return {
    pattern: 'running-total',
    confidence: 0.55 + (a.values.length >= 8 ? 0.1 : 0) + (a.named ? 0.15 : 0) - (slows ? 0 : 0.1),
    reason: `running-total: no resets, rising ${describeGrowth(growth)} over ${a.values.length} points${slows ? ' with relative growth slowing' : ''}${a.named ? ' (name agrees)' : ''}`,
  };
}

function periodic(a: Analysis): Verdict {
  const fallCount = falls(a.values).length;
  const conflict = a.named ? '; the name says cumulative but the values do not accumulate' : '';
  if (fallCount >= 2) {
    return {
      pattern: 'periodic',
      confidence: a.named ? 0.4 : a.values.length >= 8 ? 0.8 : 0.7,
      reason: `periodic: falls ${fallCount} times outside any year-to-date or running-total pattern over ${a.values.length} points${conflict}`,
    };
  }
  const percent = (meanStepShare(a.values) * 100).toFixed(1);
  return {
    pattern: 'periodic',
    confidence: a.named ? 0.4 : 0.65,
    reason: `periodic: moves smoothly (mean step ${percent}% of the level over ${a.values.length} points): a level, not a sum${conflict}`,
  };
}

function analyse(observations: readonly Observation[], frequency: SubAnnualFrequency, named: boolean): { verdict: Verdict; evidence: CumulativeEvidence } {
  const oriented = orient(observations);
  const startMonth = detectYearStart(oriented, frequency);
  const groups = groupByYear(oriented, startMonth, frequency);
  const { boundaries, resets } = countResets(groups);
  const values = oriented.map((o) => o.value);
  const multi = groups.filter((g) => g.points.length >= 2);
  const analysis: Analysis = { values, groups, multi, boundaries, resets, startMonth, oneSigned: isOneSigned(values), named };
  const verdict = ytdAcrossYears(analysis) ?? ytdWithinOneYear(analysis) ?? runningTotal(analysis) ?? periodic(analysis);
  const evidence: CumulativeEvidence = {
    points: values.length,
    year_resets: resets,
    monotone_years: multi.filter((g) => falls(valuesOf(g)).length === 0).length,
    years: groups.length,
  };
  return { verdict, evidence };
}

function result(verdict: Verdict, evidence: CumulativeEvidence): CumulativeResult {
  const isCumulative = verdict.pattern === 'ytd' || verdict.pattern === 'running-total';
  return { is_cumulative: isCumulative, pattern: verdict.pattern, evidence, confidence: round(verdict.confidence), source: 'rules', reason: verdict.reason };
}

function emptyEvidence(points: number, years: number): CumulativeEvidence {
  return { points, year_resets: 0, monotone_years: 0, years };
}

export function detectCumulative(input: CumulativeInput, frequency: ReportingFrequency): CumulativeResult {
  const { observations, conflicting } = realObservations(input.sample_values);
  const named = CUMULATIVE_WORDS.test(input.name);
  const points = observations.length;
  const years = new Set(observations.map((o) => o.year)).size;
  if (points < MIN_POINTS) {
    const dropped = conflicting > 0 ? ` (${conflicting} dropped: different values under one date)` : '';
    return result(
      { pattern: 'unknown', confidence: 0.15, reason: `unknown: ${points} real observation${points === 1 ? '' : 's'}, at least ${MIN_POINTS} needed${dropped}` },
      emptyEvidence(points, years),
    );
  }
  switch (frequency) {
    case 'annual':
      return result(
        {
          pattern: 'periodic',
          confidence: named ? 0.4 : 0.7,
          reason: `periodic: annual observations cannot accumulate within a year (${points} points)${named ? '; the name says cumulative' : ''}`,
        },
        emptyEvidence(points, years),
      );
    case 'irregular':
      return result(
        { pattern: 'unknown', confidence: 0.2, reason: `unknown: irregular dates give no year to accumulate over (${points} points)` },
        emptyEvidence(points, years),
      );
    case 'daily':
    case 'weekly':
    case 'monthly':
    case 'quarterly':
    case 'semiannual': {
      const { verdict, evidence } = analyse(observations, frequency, named);
      return result(verdict, evidence);
    }
  }
}

/**
 * The calendar side of year-to-date detection: where the (fiscal) year starts, which year each
 * observation belongs to, its position in that year, and the resets between years.
 */
import type { Observation } from './series.js';

export type SubAnnualFrequency = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'semiannual';

export interface YearPoint {
  /** 1-based period of the year (month 1-12, quarter 1-4, week, day). */
  position: number;
  value: number;
}

export interface YearGroup {
  fiscalYear: number;
  points: readonly YearPoint[];
}

const MS_PER_DAY = 86_400_000;

/** A fall to this share of the previous value or less marks a candidate year start. */
const START_DROP = 0.6;
/** A year boundary is a reset when the new year opens at this share of the old year's close or less. */
const RESET_RATIO = 0.7;

/** Months per period for calendar-based positions; daily and weekly count days instead. */
function periodMonths(frequency: SubAnnualFrequency): number {
  switch (frequency) {
    case 'quarterly':
      return 3;
    case 'semiannual':
      return 6;
    case 'monthly':
    case 'weekly':
    case 'daily':
      return 1;
  }
}

function periodDays(frequency: 'daily' | 'weekly'): number {
  return frequency === 'weekly' ? 7 : 1;
}

/** First month of the period holding the observation: a Q1 value dated 31 March starts in January. */
function periodStartMonth(month: number, frequency: SubAnnualFrequency): number {
  const months = periodMonths(frequency);
  return Math.floor((month - 1) / months) * months + 1;
}

/**
 * The month a year-to-date sum restarts: the period where every large fall lands, if they all
 * land in the same one (a fiscal year from April, say); January otherwise.
 */
export function detectYearStart(observations: readonly Observation[], frequency: SubAnnualFrequency): number {
  const starts = new Set<number>();
  for (let i = 1; i < observations.length; i++) {
    const previous = observations[i - 1];
    const current = observations[i];
    if (previous === undefined || current === undefined) continue;
    if (previous.value > 0 && current.value <= START_DROP * previous.value) {
      starts.add(periodStartMonth(current.month, frequency));
    }
  }
  const [only] = starts;
  return starts.size === 1 && only !== undefined ? only : 1;
}

function fiscalYearOf(observation: Observation, startMonth: number): number {
  return observation.month >= startMonth ? observation.year : observation.year - 1;
}

function positionInYear(observation: Observation, fiscalYear: number, startMonth: number, frequency: SubAnnualFrequency): number {
  switch (frequency) {
    case 'daily':
    case 'weekly': {
      const yearStartDay = Math.round(Date.UTC(fiscalYear, startMonth - 1, 1) / MS_PER_DAY);
      return Math.floor((observation.epochDay - yearStartDay) / periodDays(frequency)) + 1;
    }
    case 'monthly':
    case 'quarterly':
    case 'semiannual': {
      const offset = (observation.month - startMonth + 12) % 12;
      return Math.floor(offset / periodMonths(frequency)) + 1;
    }
  }
}

/** Observations (in date order) grouped by fiscal year, each with its position in the year. */
export function groupByYear(observations: readonly Observation[], startMonth: number, frequency: SubAnnualFrequency): YearGroup[] {
  const groups: { fiscalYear: number; points: YearPoint[] }[] = [];
  for (const observation of observations) {
    const fiscalYear = fiscalYearOf(observation, startMonth);
    const point = { position: positionInYear(observation, fiscalYear, startMonth, frequency), value: observation.value };
    const last = groups[groups.length - 1];
    if (last?.fiscalYear === fiscalYear) last.points.push(point);
    else groups.push({ fiscalYear, points: [point] });
  }
  return groups;
}

export interface Boundaries {
  /** Pairs of consecutive fiscal years both present in the sample. */
  boundaries: number;
  resets: number;
}

/** A reset: the new year opens far below where the old one closed (back towards its first level). */
export function countResets(groups: readonly YearGroup[]): Boundaries {
  let boundaries = 0;
  let resets = 0;
  for (let i = 1; i < groups.length; i++) {
    const previous = groups[i - 1];
    const current = groups[i];
    if (previous === undefined || current === undefined || current.fiscalYear !== previous.fiscalYear + 1) continue;
    boundaries++;
    const close = previous.points[previous.points.length - 1]?.value ?? 0;
    const open = current.points[0]?.value ?? 0;
    if (close > 0 && open <= RESET_RATIO * close) resets++;
  }
  return { boundaries, resets };
}

/**
 * How the year's steps compare with a sum's: for a year-to-date series the value at position p is
 * about p times the per-period flow, so the mean step divided by (first value / first position)
 * is near 1; for a level such as CPI it is near 0. Null when the year has no span to measure.
 * A year that opens at zero (nothing accumulated yet) and rises counts as accumulating.
 */
export function accumulationRatio(group: YearGroup): number | null {
  const first = group.points[0];
  const last = group.points[group.points.length - 1];
  if (first === undefined || last === undefined || last.position <= first.position) return null;
  const step = (last.value - first.value) / (last.position - first.position);
  if (first.value <= 0) return step > 0 ? Number.POSITIVE_INFINITY : 0;
  return step / (first.value / first.position);
}

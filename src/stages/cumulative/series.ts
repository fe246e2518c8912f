/**
 * The real observations of a sample, in date order, and shape measures on a run of values.
 */
import { parseDate } from '../../domain/dates.js';
import type { SampleValue } from '../../domain/indicator.js';

export interface Observation {
  epochDay: number;
  year: number;
  /** 1-12: the first month of the date's period (a YYYY-Qn date gives 1, 4, 7, 10). */
  month: number;
  value: number;
}

export interface RealSeries {
  observations: readonly Observation[];
  /** Observations dropped because they share a date with a different value (not one series). */
  conflicting: number;
}

/**
 * Drops pseudo-dates, unparseable dates and missing values, and sorts by date. Observations that
 * share a date with different values are dropped: which one belongs to the series is unknowable
 * (a catalog row holding one value per country under one date is the usual cause).
 */
export function realObservations(samples: readonly SampleValue[]): RealSeries {
  const byDay = new Map<number, Observation[]>();
  for (const sample of samples) {
    if (sample.value === null || !Number.isFinite(sample.value)) continue;
    const parsed = parseDate(sample.date);
    if (!parsed.ok || parsed.date.kind === 'pseudo') continue;
    const { epochDay, year, month } = parsed.date;
    const sameDay = byDay.get(epochDay) ?? [];
    sameDay.push({ epochDay, year, month, value: sample.value });
    byDay.set(epochDay, sameDay);
  }
  const observations: Observation[] = [];
  let conflicting = 0;
  for (const sameDay of byDay.values()) {
    const first = sameDay[0];
    if (first === undefined) continue;
    // A repeated row is harmless; different values under one date are not.
    if (sameDay.every((o) => o.value === first.value)) observations.push(first);
    else conflicting += sameDay.length;
  }
  observations.sort((a, b) => a.epochDay - b.epochDay);
  return { observations, conflicting };
}

/**
 * A sum of negative flows (a year-to-date deficit) falls as it accumulates: flip it so that
 * accumulation always reads as a rise.
 */
export function orient(observations: readonly Observation[]): Observation[] {
  const negatives = observations.filter((o) => o.value < 0).length;
  const flip = negatives * 2 > observations.length;
  return observations.map((o) => (flip ? { ...o, value: -o.value } : o));
}

/** Accumulating one-signed flows never crosses zero: a series that does cannot be a sum of them. */
export function isOneSigned(values: readonly number[]): boolean {
  return values.every((v) => v >= 0);
}

/** The falls between consecutive values, as positive sizes. */
export function falls(values: readonly number[]): number[] {
  const sizes: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const previous = values[i - 1] ?? 0;
    const current = values[i] ?? 0;
    if (current < previous) sizes.push(previous - current);
  }
  return sizes;
}

/** A single fall smaller than this share of the run's range is a dip (a revision), not a break. */
const DIP_TOLERANCE = 0.3;

/** Never falls, or falls once by a small amount: a sum with one negative period or one revision. */
export function isNearMonotone(values: readonly number[]): boolean {
  const sizes = falls(values);
  if (sizes.length === 0) return true;
  if (sizes.length > 1) return false;
  const range = Math.max(...values) - Math.min(...values);
  return (sizes[0] ?? 0) <= DIP_TOLERANCE * range;
}

/** Relative growth in the second half must be at most this share of the first half's. */
const MAX_SLOWDOWN = 0.8;

/**
 * Adding to a sum makes the relative growth shrink (a, 2a, 3a: +100%, +50%); a compounding
 * level (CPI, a price in a boom) keeps it steady. Compares the first and second half of the rates.
 */
export function relativeGrowthSlows(values: readonly number[]): boolean {
  const rates: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const previous = values[i - 1] ?? 0;
    if (previous > 0) rates.push(((values[i] ?? 0) - previous) / previous);
  }
  const half = Math.floor(rates.length / 2);
  if (half < 1) return false;
  const early = mean(rates.slice(0, half));
  const late = mean(rates.slice(rates.length - half));
  return early > 0 && late <= MAX_SLOWDOWN * early;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * What the sample dates themselves say about the frequency: the spacing of the real observations
 * (pseudo-dates such as `last10YearsAvg` are ignored) and, with too few dates, their form.
 */
import { parseDate, type Granularity } from '../../domain/dates.js';
import type { SampleValue } from '../../domain/indicator.js';
import type { ReportingFrequency } from '../../domain/taxonomy.js';

export type RegularFrequency = Exclude<ReportingFrequency, 'irregular'>;

/** Where the median gap (days) must fall to call a series this frequency. Between bands: irregular. */
const MEDIAN_BANDS: readonly (readonly [RegularFrequency, number, number])[] = [
  ['daily', 0.5, 4],
  ['weekly', 5, 10],
  ['monthly', 25, 38],
  ['quarterly', 80, 100],
  ['semiannual', 165, 200],
  ['annual', 340, 390],
];

/** The days one gap may span and still be exactly one period (month lengths, leap years). */
const ONE_PERIOD: Readonly<Record<RegularFrequency, readonly [number, number]>> = {
  // Up to 4 days: a weekend or a long weekend in a business-day series.
  daily: [1, 4],
  weekly: [6, 8],
  monthly: [27, 35],
  quarterly: [85, 97],
  semiannual: [175, 190],
  annual: [358, 372],
};

/** A gap of up to this many periods still fits: a missing observation, not another frequency. */
const MAX_MISSING_MULTIPLE = 4;

export interface DateCounts {
  /** Real observations (parsed dates that are not pseudo-dates). */
  dated: number;
  /** Distinct real dates. */
  distinct: number;
  pseudo: number;
}

export type ObservedFrequency =
  | ({ kind: 'none' } & DateCounts)
  | ({ kind: 'granularity'; frequency: RegularFrequency; granularity: Granularity } & DateCounts)
  | ({
      kind: 'spacing';
      frequency: ReportingFrequency;
      medianDays: number;
      gaps: readonly number[];
      /** Share of gaps that fit `frequency` (one period or a few missing); 0 when irregular. */
      share: number;
    } & DateCounts);

/** True when a gap is one period of `frequency`, or a few periods with observations missing. */
export function gapFits(gap: number, frequency: RegularFrequency): boolean {
  const [low, high] = ONE_PERIOD[frequency];
  // Any gap of a few days fits a daily series (weekends, holidays).
  if (frequency === 'daily') return gap >= low && gap <= high;
  for (let k = 1; k <= MAX_MISSING_MULTIPLE; k++) {
    if (gap >= k * low && gap <= k * high) return true;
  }
  return false;
}

export function fitShare(gaps: readonly number[], frequency: ReportingFrequency): number {
  if (gaps.length === 0 || frequency === 'irregular') return 0;
  return gaps.filter((gap) => gapFits(gap, frequency)).length / gaps.length;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  const lower = sorted[mid - 1] ?? upper;
  return sorted.length % 2 === 0 ? (lower + upper) / 2 : upper;
}

/** The median is robust to one missing observation; the band turns it into a frequency. */
export function frequencyFromMedianGap(days: number): ReportingFrequency {
  const band = MEDIAN_BANDS.find(([, low, high]) => days >= low && days <= high);
  return band === undefined ? 'irregular' : band[0];
}

/** With fewer than two distinct dates only the date form can speak: a YYYY-Qn date is quarterly. */
function frequencyFromGranularity(granularity: Granularity): RegularFrequency | null {
  switch (granularity) {
    case 'year':
      return 'annual';
    case 'half':
      return 'semiannual';
    case 'quarter':
      return 'quarterly';
    // A month or a day says little: monthly, quarterly and annual data all use them.
    case 'month':
    case 'day':
      return null;
  }
}

const GRANULARITY_ORDER: readonly Granularity[] = ['day', 'month', 'quarter', 'half', 'year'];

export function observeFrequency(samples: readonly SampleValue[]): ObservedFrequency {
  const days: number[] = [];
  const granularities = new Set<Granularity>();
  let pseudo = 0;
  for (const sample of samples) {
    const parsed = parseDate(sample.date);
    if (!parsed.ok) continue;
    if (parsed.date.kind === 'pseudo') {
      pseudo++;
      continue;
    }
    days.push(parsed.date.epochDay);
    granularities.add(parsed.date.granularity);
  }
  const distinctDays = [...new Set(days)].sort((a, b) => a - b);
  const counts: DateCounts = { dated: days.length, distinct: distinctDays.length, pseudo };

  if (distinctDays.length < 2) {
    // The finest form present: one YYYY-Qn date among day dates proves nothing.
    const finest = GRANULARITY_ORDER.find((g) => granularities.has(g));
    const hinted = finest === undefined ? null : frequencyFromGranularity(finest);
    return finest === undefined || hinted === null
      ? { kind: 'none', ...counts }
      : { kind: 'granularity', frequency: hinted, granularity: finest, ...counts };
  }

  const gaps = distinctDays.slice(1).map((day, i) => day - (distinctDays[i] ?? day));
  const medianDays = median(gaps);
  const frequency = frequencyFromMedianGap(medianDays);
  return { kind: 'spacing', frequency, medianDays, gaps, share: fitShare(gaps, frequency), ...counts };
}

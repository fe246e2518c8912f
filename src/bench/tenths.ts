/**
 * Whether a long run keeps its pace: its completions, sorted by save time, cut into ten equal
 * shares; each tenth's rate is its completions over the time they took. The criterion is
 * the last tenth at least 0.9× the second (the first is the ramp-up). Pure, tested without a run.
 */
import { MIN_STEADY_COMPLETIONS, RAMP_SHARE } from '../runner/metrics.js';
import { round } from './machine.js';
import type { RssSample } from './rss.js';

export interface TenthsReport {
  /** Completions per minute in each tenth of the run's completions. */
  readonly ipm: readonly number[];
  /** Last tenth's rate ÷ the second tenth's; null with too few completions. */
  readonly last_to_second: number | null;
  /** last_to_second ≥ 0.9. */
  readonly flat: boolean | null;
}

const TENTHS = 10;
/** The criterion. */
export const FLAT_RATIO = 0.9;

export function completionTenths(times: readonly number[]): TenthsReport {
  if (times.length < TENTHS * 2) return { ipm: [], last_to_second: null, flat: null };
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const ipm: number[] = [];
  for (let tenth = 0; tenth < TENTHS; tenth++) {
    // The tenth runs from the completion at its start mark to the one at the next tenth's start mark.
    const from = Math.floor((tenth * n) / TENTHS);
    const to = Math.min(n - 1, Math.floor(((tenth + 1) * n) / TENTHS));
    const span = (sorted[to] ?? 0) - (sorted[from] ?? 0);
    ipm.push(span <= 0 ? 0 : round(((to - from) / span) * 60_000, 1));
  }
  const second = ipm[1] ?? 0;
  const last = ipm[TENTHS - 1] ?? 0;
  const ratio = second <= 0 ? null : round(last / second, 3);
  return { ipm, last_to_second: ratio, flat: ratio === null ? null : ratio >= FLAT_RATIO };
}

/** The most RSS (MiB) in each tenth of the sampled time: a flat memory profile shows as flat numbers. */
export function rssTenths(series: readonly RssSample[]): number[] {
  const last = series.at(-1);
  const first = series[0];
  if (first === undefined || last === undefined || last.t_s <= first.t_s) return [];
  const span = last.t_s - first.t_s;
  const peaks = Array.from({ length: TENTHS }, () => 0);
  for (const sample of series) {
    const tenth = Math.min(TENTHS - 1, Math.floor(((sample.t_s - first.t_s) / span) * TENTHS));
    peaks[tenth] = Math.max(peaks[tenth] ?? 0, sample.rss_mib);
  }
  return peaks;
}

/** Seconds the steady window lasted (the 10 % to the 90 % completion, as metrics.ts steadyIpm); null with too few. */
export function steadyWindowSeconds(times: readonly number[]): number | null {
  if (times.length < MIN_STEADY_COMPLETIONS) return null;
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[Math.floor(sorted.length * RAMP_SHARE)] ?? 0;
  const last = sorted[Math.ceil(sorted.length * (1 - RAMP_SHARE)) - 1] ?? 0;
  return round((last - first) / 1000, 1);
}

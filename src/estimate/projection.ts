/**
 * Cost, requests and time for other catalog sizes, at this catalog's rate per indicator. Linear on
 * purpose and said so: it assumes a larger catalog repeats concepts at the rate this one does.
 * Dedup makes the real cost of a larger catalog of the same concepts grow slower than linearly.
 *
 * Time: with an indicator pace (ipm) n / ipm minutes; with a request pace (rpm) requests / rpm
 * minutes; the slower of the two when both are given; unpaced (null) when neither is.
 */

/** The sizes every estimate projects to (besides the catalog's own). */
export const PROJECTION_SIZES: readonly number[] = [1_000, 10_000, 10_903, 50_000, 100_000];

export type Pace = { ipm?: number | undefined; rpm?: number | undefined };

export type Rate = {
  /** Indicators the rate was measured on. */
  indicators: number;
  requests: number;
  costUsd: number;
};

export type Projection = {
  indicators: number;
  /** This catalog's own size (measured, not projected). */
  isCatalog: boolean;
  requests: number;
  costUsd: number;
  /** null: unpaced. */
  minutes: number | null;
  /** Which pace set the time: the slower one. */
  pacedBy: 'ipm' | 'rpm' | null;
};

/** Requests and cost for `indicators` at `rate`; rounded requests (a request is whole). */
export function projectOne(rate: Rate, indicators: number, pace: Pace, isCatalog = false): Projection {
  const scale = rate.indicators === 0 ? 0 : indicators / rate.indicators;
  const requests = Math.round(rate.requests * scale);
  const costUsd = rate.costUsd * scale;
  const byIpm = pace.ipm === undefined ? null : indicators / pace.ipm;
  const byRpm = pace.rpm === undefined ? null : requests / pace.rpm;
  let minutes: number | null = null;
  let pacedBy: Projection['pacedBy'] = null;
  if (byIpm !== null && (byRpm === null || byIpm >= byRpm)) {
    minutes = byIpm;
    pacedBy = 'ipm';
  } else if (byRpm !== null) {
    minutes = byRpm;
    pacedBy = 'rpm';
  }
  return { indicators, isCatalog, requests, costUsd, minutes, pacedBy };
}

/** The catalog's own row first, then every size of PROJECTION_SIZES but the catalog's own (one row per size). */
export function project(rate: Rate, pace: Pace, sizes: readonly number[] = PROJECTION_SIZES): Projection[] {
  const others = sizes.filter((size) => size !== rate.indicators);
  return [projectOne(rate, rate.indicators, pace, true), ...others.map((size) => projectOne(rate, size, pace))];
}

/**
 * How fast a run really went, from what it measured: completions over the steady window, latency
 * percentiles, LLM requests and tokens per minute, and how work spread over nodes and processes.
 * Pure functions of timestamps and counts, so they are tested without a run.
 */

/** The first and last tenth of a run's completions are its ramp-up and its drain. */
export const RAMP_SHARE = 0.1;
/** Fewer completions than this give no steady window (actual_ipm is null). */
export const MIN_STEADY_COMPLETIONS = 20;

/**
 * Completions per minute over the steady window: from the completion that ends the ramp-up (the
 * 10 % mark) to the one that starts the drain (the 90 % mark). `times` are completion times in ms,
 * in any order.
 */
export function steadyIpm(times: readonly number[]): number | null {
  if (times.length < MIN_STEADY_COMPLETIONS) return null;
  const sorted = [...times].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * RAMP_SHARE);
  const last = Math.ceil(sorted.length * (1 - RAMP_SHARE)) - 1;
  const span = (sorted[last] ?? 0) - (sorted[first] ?? 0);
  if (span <= 0) return null;
  return ((last - first) / span) * 60_000;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Nearest-rank percentiles; null without values. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return { p50: rank(50), p95: rank(95), p99: rank(99) };
}

export interface PerMinute {
  /** The total over the run's duration (at least a minute), per minute. */
  readonly mean: number;
  /** The most in any 60-second window. */
  readonly max: number;
}

/** Events (a time in ms and a weight: 1 per request, or its tokens) per minute over `durationMs`. */
export function perMinute(events: readonly { at: number; weight: number }[], durationMs: number): PerMinute {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const total = sorted.reduce((sum, event) => sum + event.weight, 0);
  let max = 0;
  let inWindow = 0;
  let start = 0;
  for (const event of sorted) {
    inWindow += event.weight;
    while ((sorted[start]?.at ?? event.at) <= event.at - 60_000) {
      inWindow -= sorted[start]?.weight ?? 0;
      start += 1;
    }
    max = Math.max(max, inWindow);
  }
  // A run shorter than a minute counts as one: its mean can then never exceed its busiest minute.
  return { mean: (total / Math.max(durationMs, 60_000)) * 60_000, max };
}

/** Each name's share of the total (fractions that add up to 1); empty without counts. */
export function shares(counts: ReadonlyMap<string, number>): Record<string, number> {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => [name, total === 0 ? 0 : n / total]));
}

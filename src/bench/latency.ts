/**
 * The simulator's latency, stated the way the issue asks for it (a median and a long tail) and
 * turned into what `classify llm-sim` takes: the mean and standard deviation of a lognormal
 * (src/llm-sim/faults.ts draws exp(mu + sigma·z) from them).
 */

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

export interface LatencyTarget {
  readonly medianMs: number;
  readonly p99Ms: number;
}

export interface SimLatency {
  /** `--latency-ms`: the lognormal's mean. */
  readonly meanMs: number;
  /** `--latency-jitter-ms`: its standard deviation. */
  readonly jitterMs: number;
  /** What those give back (rounded): the median, p99 and sigma of the distribution. */
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly sigma: number;
}

/** Median 1 s, 1 % of requests slower than 5 s. */
export const BENCH_LATENCY: LatencyTarget = { medianMs: 1_000, p99Ms: 5_000 };

/** The lognormal whose median and p99 are the target's: mu = ln(median), sigma = ln(p99 / median) / z99. */
export function lognormalLatency(target: LatencyTarget): SimLatency {
  if (!(target.medianMs > 0) || !(target.p99Ms > target.medianMs)) throw new RangeError('need 0 < median < p99');
  const sigma = Math.log(target.p99Ms / target.medianMs) / Z99;
  const mean = target.medianMs * Math.exp((sigma * sigma) / 2);
  const sd = mean * Math.sqrt(Math.expm1(sigma * sigma));
  const meanMs = Math.round(mean);
  const jitterMs = Math.round(sd);
  // Recomputed from the rounded values the simulator gets, as src/llm-sim/faults.ts does.
  const sigma2 = Math.log(1 + (jitterMs * jitterMs) / (meanMs * meanMs));
  const mu = Math.log(meanMs) - sigma2 / 2;
  return {
    meanMs,
    jitterMs,
    medianMs: Math.round(Math.exp(mu)),
    p99Ms: Math.round(Math.exp(mu + Math.sqrt(sigma2) * Z99)),
    sigma: Math.round(Math.sqrt(sigma2) * 1e4) / 1e4,
  };
}

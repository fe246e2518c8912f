/** The bench's pure arithmetic: the simulator's latency, run sizes, tenths, the RSS profile. */
import { describe, expect, it } from 'vitest';
import { BENCH_LATENCY, lognormalLatency } from '../src/bench/latency.js';
import { thin } from '../src/bench/rss.js';
import { countForTarget, DEFAULT_SETTINGS, parseList, BenchMode } from '../src/bench/settings.js';
import { completionTenths, rssTenths, steadyWindowSeconds } from '../src/bench/tenths.js';

describe('lognormalLatency', () => {
  it('gives the simulator a mean and jitter whose median is ~1 s and p99 ~5 s', () => {
    const latency = lognormalLatency(BENCH_LATENCY);
    expect(latency.medianMs).toBeGreaterThanOrEqual(995);
    expect(latency.medianMs).toBeLessThanOrEqual(1_005);
    expect(latency.p99Ms).toBeGreaterThanOrEqual(4_950);
    expect(latency.p99Ms).toBeLessThanOrEqual(5_050);
    // A lognormal's mean lies above its median: the long tail.
    expect(latency.meanMs).toBeGreaterThan(latency.medianMs);
    expect(latency.jitterMs).toBeGreaterThan(0);
  });

  it('refuses a p99 at or below the median', () => {
    expect(() => lognormalLatency({ medianMs: 1_000, p99Ms: 1_000 })).toThrow(RangeError);
  });
});

describe('countForTarget', () => {
  it('sizes a run so that its middle 80 % lasts the steady minutes at the target pace', () => {
    expect(countForTarget(800, 2)).toBe(2_000);
    expect(countForTarget(6_000, 2)).toBe(15_000);
    for (const target of DEFAULT_SETTINGS.targets) {
      const count = countForTarget(target, DEFAULT_SETTINGS.steadyMinutes);
      expect((count * 0.8) / target).toBeGreaterThanOrEqual(DEFAULT_SETTINGS.steadyMinutes);
    }
  });

  it('never goes below a run that has a steady window at all', () => {
    expect(countForTarget(10, 0.01)).toBe(40);
  });
});

describe('parseList', () => {
  it('reads comma-separated values through a schema', () => {
    expect(parseList(BenchMode, 'hybrid, llm')).toEqual(['hybrid', 'llm']);
    expect(() => parseList(BenchMode, 'rules')).toThrow();
    expect(() => parseList(BenchMode, '')).toThrow();
  });
});

describe('completionTenths', () => {
  it('is flat for completions at an even pace', () => {
    const times = Array.from({ length: 1_000 }, (_, i) => i * 10);
    const tenths = completionTenths(times);
    expect(tenths.ipm).toHaveLength(10);
    for (const ipm of tenths.ipm) expect(ipm).toBeCloseTo(6_000, -1);
    expect(tenths.last_to_second).toBeCloseTo(1, 2);
    expect(tenths.flat).toBe(true);
  });

  it('is not flat when the last tenth slows to half the second', () => {
    const times = Array.from({ length: 1_000 }, (_, i) => (i < 900 ? i * 10 : 9_000 + (i - 900) * 20));
    const tenths = completionTenths(times);
    expect(tenths.last_to_second).toBeCloseTo(0.5, 1);
    expect(tenths.flat).toBe(false);
  });

  it('has nothing to say about a handful of completions', () => {
    expect(completionTenths([1, 2, 3])).toEqual({ ipm: [], last_to_second: null, flat: null });
  });
});

describe('steadyWindowSeconds', () => {
  it('spans the completions from the 10 % mark to the 90 % mark', () => {
    const times = Array.from({ length: 100 }, (_, i) => i * 1_000);
    expect(steadyWindowSeconds(times)).toBe(79);
    expect(steadyWindowSeconds(times.slice(0, 5))).toBeNull();
  });
});

describe('rssTenths and thin', () => {
  it('keeps the most RSS of each tenth of the time', () => {
    const series = Array.from({ length: 101 }, (_, i) => ({ t_s: i, rss_mib: i === 55 ? 500 : 100 }));
    const tenths = rssTenths(series);
    expect(tenths).toHaveLength(10);
    expect(tenths[5]).toBe(500);
    expect(tenths[0]).toBe(100);
  });

  it('thins a series evenly, keeping its ends', () => {
    const series = Array.from({ length: 1_000 }, (_, i) => i);
    const thinned = thin(series, 100);
    expect(thinned).toHaveLength(100);
    expect(thinned[0]).toBe(0);
    expect(thinned.at(-1)).toBe(999);
  });
});

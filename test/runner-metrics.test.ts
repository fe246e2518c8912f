// The run's measured figures from timestamps: the steady window leaves out ramp-up and drain, the
// busiest 60 s are found wherever they fall, percentiles are nearest-rank, shares add up to 1.
import { describe, expect, it } from 'vitest';
import { MIN_STEADY_COMPLETIONS, percentiles, perMinute, shares, steadyIpm } from '../src/runner/metrics.js';

describe('steadyIpm', () => {
  it('measures between the 10 % and 90 % completions, not over a slow start and end', () => {
    // 100 completions: the first 10 trickle in over 50 s, then one every 100 ms, then a slow tail.
    const times = [
      ...Array.from({ length: 10 }, (_, i) => i * 5_000),
      ...Array.from({ length: 80 }, (_, i) => 50_000 + i * 100),
      ...Array.from({ length: 10 }, (_, i) => 58_000 + i * 5_000),
    ];
    // From the 11th (50 s) to the 90th (57.9 s): 79 intervals of 100 ms, 600 a minute.
    expect(steadyIpm(times)).toBeCloseTo(600, 6);
    expect(steadyIpm([...times].reverse())).toBeCloseTo(600, 6);
  });

  it('is null with too few completions or none apart in time', () => {
    expect(steadyIpm(Array.from({ length: MIN_STEADY_COMPLETIONS - 1 }, (_, i) => i * 1_000))).toBeNull();
    expect(steadyIpm(Array.from({ length: 50 }, () => 7))).toBeNull();
  });
});

describe('percentiles', () => {
  it('nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentiles([5])).toEqual({ p50: 5, p95: 5, p99: 5 });
    expect(percentiles([])).toBeNull();
  });
});

describe('perMinute', () => {
  it('finds the busiest 60 s and the mean over the run', () => {
    // 10 events in the first minute, 30 within 30 s in the third, over a 4-minute run.
    const events = [
      ...Array.from({ length: 10 }, (_, i) => ({ at: i * 6_000, weight: 1 })),
      ...Array.from({ length: 30 }, (_, i) => ({ at: 120_000 + i * 1_000, weight: 1 })),
    ];
    expect(perMinute(events, 240_000)).toEqual({ mean: 10, max: 30 });
    // Weights (tokens) count, and events exactly 60 s apart are in different windows.
    expect(perMinute([{ at: 0, weight: 500 }, { at: 60_000, weight: 700 }], 120_000)).toEqual({ mean: 600, max: 700 });
    expect(perMinute([], 0)).toEqual({ mean: 0, max: 0 });
    // A 6-second run with one request: one a minute, not ten.
    expect(perMinute([{ at: 1_000, weight: 1 }], 6_000)).toEqual({ mean: 1, max: 1 });
  });
});

describe('shares', () => {
  it('fractions by name that add up to 1', () => {
    expect(shares(new Map([['b', 1], ['a', 3]]))).toEqual({ a: 0.75, b: 0.25 });
    expect(shares(new Map())).toEqual({});
  });
});

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Indicator, type SampleValue } from '../src/domain/indicator.js';
import { CumulativeResult } from '../src/domain/results.js';
import type { ReportingFrequency } from '../src/domain/taxonomy.js';
import { detectCumulative } from '../src/stages/cumulative/index.js';
import { inferTime } from '../src/stages/time/index.js';

const DEV = new URL('../data/labeled/dev.jsonl', import.meta.url);

/** Irregular but deterministic monthly flows: a year-to-date series sums them. */
const FLOWS = [10, 11, 9, 12, 10, 11, 13, 9, 10, 12, 11, 10];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function monthly(startYear: number, values: readonly (number | null)[], startMonth = 1): SampleValue[] {
  return values.map((value, i) => {
    const index = startMonth - 1 + i;
    return { date: `${startYear + Math.floor(index / 12)}-${pad((index % 12) + 1)}`, value };
  });
}

function monthEnd(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function quarterly(startYear: number, values: readonly number[]): SampleValue[] {
  return values.map((value, i) => ({ date: `${startYear + Math.floor(i / 4)}-Q${(i % 4) + 1}`, value }));
}

function runningSums(values: readonly number[]): number[] {
  let sum = 0;
  return values.map((v) => (sum += v));
}

/** Year-to-date sums of the flows, one block per year, flows growing 5% a year. */
function ytdYears(years: number, flows: readonly number[] = FLOWS): number[] {
  return Array.from({ length: years }, (_, y) => runningSums(flows.map((f) => f * (1 + 0.05 * y)))).flat();
}

function detect(samples: readonly SampleValue[], frequency: ReportingFrequency, name = 'Series'): CumulativeResult {
  return CumulativeResult.parse(detectCumulative({ name, sample_values: [...samples] }, frequency));
}

describe('detectCumulative: year-to-date', () => {
  it('finds YTD in monthly data over several years', () => {
    const result = detect(monthly(2022, ytdYears(3)), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
    expect(result.evidence).toEqual({ points: 36, year_resets: 2, monotone_years: 3, years: 3 });
    expect(result.confidence).toBeGreaterThanOrEqual(0.8);
    expect(result.reason).toBe('ytd: 2 year-end resets, 3/3 years monotone over 36 points');
  });

  it('finds YTD with month-end dates and unsorted input', () => {
    const values = ytdYears(3);
    const samples = values.map((value, i) => ({ date: monthEnd(2022 + Math.floor(i / 12), (i % 12) + 1), value })).reverse();
    expect(detect(samples, 'monthly')).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('finds YTD in quarterly data', () => {
    const values = Array.from({ length: 3 }, (_, y) => runningSums([30, 34, 29, 33].map((f) => f + y))).flat();
    const result = detect(quarterly(2022, values), 'quarterly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
    expect(result.evidence).toMatchObject({ points: 12, year_resets: 2, monotone_years: 3, years: 3 });
  });

  it('finds YTD in quarterly data dated at quarter ends', () => {
    const values = Array.from({ length: 3 }, () => runningSums([30, 34, 29, 33])).flat();
    const ends = ['03-31', '06-30', '09-30', '12-31'];
    const samples = values.map((value, i) => ({ date: `${2022 + Math.floor(i / 4)}-${ends[i % 4] ?? ''}`, value }));
    expect(detect(samples, 'quarterly')).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('finds YTD in a single year when the rise is clearly accumulation', () => {
    const values = [10, 21, 30, 41, 52, 61, 73, 83, 94, 104, 115, 125];
    const result = detect(monthly(2024, values), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
    expect(result.evidence).toMatchObject({ points: 12, year_resets: 0, monotone_years: 1, years: 1 });
    expect(result.reason).toContain('12.5x');
  });

  it('finds YTD across one year end in ten recent observations', () => {
    const values = [...runningSums(FLOWS).slice(9), ...runningSums(FLOWS).slice(0, 7)];
    expect(detect(monthly(2023, values, 10), 'monthly')).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('survives one dip in a YTD series', () => {
    const values = ytdYears(3);
    values[17] = (values[16] ?? 0) - 3; // a negative month (a refund, a revision)
    const result = detect(monthly(2022, values), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
    expect(result.evidence.monotone_years).toBe(2);
    expect(result.reason).toContain('dips');
  });

  it('survives a year starting at zero', () => {
    const withZeros = [0, ...FLOWS.slice(1)];
    const result = detect(monthly(2022, ytdYears(3, withZeros)), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('reads a negative YTD sum (a deficit) as YTD', () => {
    const result = detect(monthly(2022, ytdYears(3).map((v) => -v)), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('finds a fiscal year that starts in April', () => {
    const result = detect(monthly(2022, ytdYears(3), 4), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
    expect(result.reason).toContain('April');
  });

  it('finds YTD in weekly data across a year end', () => {
    const start = Date.UTC(2023, 10, 3);
    const samples = Array.from({ length: 14 }, (_, i) => {
      const date = new Date(start + i * 7 * 86_400_000);
      const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
      const week = Math.floor((date.getTime() - yearStart) / (7 * 86_400_000)) + 1;
      return { date: date.toISOString().slice(0, 10), value: 50 * week };
    });
    expect(detect(samples, 'weekly')).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('counts a YTD name as support, not proof', () => {
    const plain = detect(monthly(2022, ytdYears(3)), 'monthly');
    const named = detect(monthly(2022, ytdYears(3)), 'monthly', 'Exports YTD');
    expect(named.confidence).toBeGreaterThan(plain.confidence);
    const noisy = detect(monthly(2024, [5, 9, 4, 8, 3, 7, 6, 2]), 'monthly', 'Exports YTD');
    expect(noisy).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(noisy.confidence).toBeLessThanOrEqual(0.4);
  });
});

describe('detectCumulative: running totals', () => {
  it('finds a running total growing from near zero', () => {
    const values = runningSums([5, 7, 8, 6, 9, 6, 9, 8, 5, 7, 8, 7, 6, 9, 8, 7, 6, 8, 9, 7, 8, 6, 7, 8]);
    const result = detect(monthly(2023, values), 'monthly');
    expect(result).toMatchObject({ is_cumulative: true, pattern: 'running-total' });
    expect(result.evidence.year_resets).toBe(0);
  });

  it('finds a running total in quarterly data', () => {
    const values = runningSums([40, 35, 42, 38, 41, 37, 44, 39]);
    expect(detect(quarterly(2022, values), 'quarterly')).toMatchObject({ is_cumulative: true, pattern: 'running-total' });
  });
});

describe('detectCumulative: levels and flows are periodic', () => {
  it('does not mistake a CPI-like smooth rise for accumulation', () => {
    const cpi = Array.from({ length: 24 }, (_, i) => Number((100 * 1.003 ** i).toFixed(2)));
    const result = detect(monthly(2023, cpi), 'monthly', 'Consumer Price Index');
    expect(result).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('does not mistake a fast-compounding price (hyperinflation) for a running total', () => {
    const prices = Array.from({ length: 12 }, (_, i) => Number((100 * 1.25 ** i).toFixed(2)));
    expect(detect(monthly(2024, prices), 'monthly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('does not mistake a population-like series for accumulation', () => {
    const population = Array.from({ length: 8 }, (_, i) => Math.round(164_913_055 * 1.009 ** i));
    const quarters = Array.from({ length: 12 }, (_, i) => Math.round(270_000_000 + 650_000 * i));
    expect(detect(population.map((value, i) => ({ date: String(2016 + i), value })), 'annual')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(detect(quarterly(2021, quarters), 'quarterly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(detect(monthly(2022, quarters), 'monthly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('does not mistake a seasonal flow (low Q1, high Q4) for YTD', () => {
    const values = Array.from({ length: 3 }, () => [100, 110, 118, 140]).flat();
    expect(detect(quarterly(2022, values), 'quarterly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('does not read a flow peaking late in the year as YTD unless the name says so (steps of half the first value)', () => {
    // Poland's quarterly investment: rises from each Q1 to a Q4 2.5 times as high, in steps far below a quarter's flow.
    const values = [62411, 91870, 99315, 159802, 65120, 98434, 108210, 178910, 62009, 95720];
    expect(detect(quarterly(2022, values), 'quarterly', 'Gross Fixed Capital Formation')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(detect(quarterly(2022, values), 'quarterly', 'Gross Fixed Capital Formation YTD')).toMatchObject({ is_cumulative: true, pattern: 'ytd' });
  });

  it('does not read a series that changes sign as a sum', () => {
    const values = [241028, 581093, 1011631, -182236, 455605, 353888, 1276382, -122573, 723115];
    const ends = ['03-31', '06-30', '09-30', '12-31'];
    const samples = values.map((value, i) => ({ date: `${2023 + Math.floor(i / 4)}-${ends[i % 4] ?? ''}`, value }));
    expect(detect(samples, 'quarterly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('reads a flat series as periodic', () => {
    expect(detect(monthly(2024, [0, 0, 0, 0, 0, 0]), 'monthly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(detect(monthly(2024, [21, 21, 21, 21, 21]), 'monthly')).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
  });

  it('never calls annual data YTD', () => {
    const values = [10, 21, 30, 41, 52, 61, 73, 83];
    const result = detect(values.map((value, i) => ({ date: String(2016 + i), value })), 'annual');
    expect(result).toMatchObject({ is_cumulative: false, pattern: 'periodic' });
    expect(result.reason).toContain('annual');
  });
});

describe('detectCumulative: too little evidence', () => {
  it('says unknown for two points', () => {
    const result = detect(monthly(2024, [10, 21]), 'monthly', 'Exports YTD');
    expect(result).toMatchObject({ is_cumulative: false, pattern: 'unknown' });
    expect(result.evidence.points).toBe(2);
    expect(result.confidence).toBeLessThan(0.3);
  });

  it('drops pseudo-dates and missing values before counting', () => {
    const samples: SampleValue[] = [
      ...monthly(2024, [10, null, 30, null, 50]),
      { date: 'last10YearsAvg', value: 30 },
      { date: 'last10YearsPeerAvg', value: 28 },
    ];
    const result = detect(samples, 'monthly');
    expect(result).toMatchObject({ pattern: 'unknown', is_cumulative: false });
    expect(result.evidence.points).toBe(3);
  });

  it('says unknown for irregular dates', () => {
    expect(detect(monthly(2024, [10, 21, 30, 41, 52]), 'irregular')).toMatchObject({ pattern: 'unknown', is_cumulative: false });
  });

  it('drops observations that share a date with different values', () => {
    const samples = [10, 20, 30, 40, 50].map((value) => ({ date: '2025-08-31', value }));
    const result = detect(samples, 'monthly');
    expect(result).toMatchObject({ pattern: 'unknown', evidence: { points: 0 } });
    expect(result.reason).toContain('one date');
  });

  it('handles an empty sample', () => {
    expect(detect([], 'monthly')).toMatchObject({ pattern: 'unknown', is_cumulative: false, evidence: { points: 0, years: 0 } });
  });
});

describe('detectCumulative: dev.jsonl', () => {
  const indicators = readFileSync(DEV, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Indicator.parse(JSON.parse(line)));

  it('runs every item without throwing and gives a valid result', () => {
    expect(indicators.length).toBeGreaterThan(100);
    for (const indicator of indicators) {
      const frequency = inferTime(indicator).reporting_frequency;
      const result = CumulativeResult.parse(detectCumulative(indicator, frequency));
      expect(result.evidence.points, indicator.id).toBeLessThanOrEqual(indicator.sample_values.length);
    }
  });

  it('never flags CPI, price indices or population as cumulative, whatever the frequency', () => {
    const levels = indicators.filter((i) => /consumer price|price index|\bcpi\b|population|consumer prices/i.test(i.name));
    expect(levels.length).toBeGreaterThanOrEqual(8);
    const frequencies: ReportingFrequency[] = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannual', 'annual'];
    for (const indicator of levels) {
      for (const frequency of frequencies) {
        expect(detectCumulative(indicator, frequency).is_cumulative, `${indicator.id} as ${frequency}`).toBe(false);
      }
    }
  });

  it('flags only the year-to-date item', () => {
    const flagged = indicators.filter((i) => detectCumulative(i, inferTime(i).reporting_frequency).is_cumulative);
    expect(flagged.map((i) => i.id)).toEqual(['oil_production_ytd']);
  });
});

describe('detectCumulative: any input', () => {
  const date = fc.oneof(
    fc.integer({ min: 1990, max: 2030 }).map(String),
    fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${pad(m)}`),
    fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${y}-Q${q}`),
    fc.date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.constantFrom('last10YearsAvg', 'last10YearsPeerAvg'),
  );
  const value = fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: -5, max: 50 }), fc.constant(0), fc.constant(null));
  const frequency = fc.constantFrom<ReportingFrequency>('daily', 'weekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'irregular');

  it('always returns a valid result, never cumulative with fewer than 4 points', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ date, value }), { maxLength: 40 }), frequency, fc.string(), (samples, freq, name) => {
        const result = CumulativeResult.parse(detectCumulative({ name: name.trim() === '' ? 'x' : name, sample_values: samples }, freq));
        if (result.evidence.points < 4) expect(result.pattern).toBe('unknown');
        expect(result.is_cumulative).toBe(result.pattern === 'ytd' || result.pattern === 'running-total');
      }),
      { numRuns: 500 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Indicator, type SampleValue } from '../src/domain/indicator.js';
import { TimeInferenceResult } from '../src/domain/results.js';
import type { ReportingFrequency, TimeBasis } from '../src/domain/taxonomy.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../src/llm/plan.js';
import { inferTimeBasis } from '../src/stages/time/basis.js';
import { BASIS_MODEL, FREQUENCY_MODEL, timeConfidence } from '../src/stages/time/confidence.js';
import { inferFrequency, inferTime, parsePeriodicity, observeFrequency, type TimeInput } from '../src/stages/time/index.js';

const DEV = new URL('../data/labeled/dev.jsonl', import.meta.url);

function input(overrides: Partial<TimeInput>): TimeInput {
  return { name: 'Some Indicator', periodicity: null, units: null, description: null, sample_values: [], ...overrides };
}

function dated(dates: readonly string[]): SampleValue[] {
  return dates.map((date, i) => ({ date, value: i + 1 }));
}

function isoDay(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}

/** Consecutive days from a start date, optionally skipping Saturdays and Sundays. */
function days(start: string, count: number, businessOnly: boolean): string[] {
  const out: string[] = [];
  let day = Math.round(Date.parse(`${start}T00:00:00Z`) / 86_400_000);
  while (out.length < count) {
    const weekday = new Date(day * 86_400_000).getUTCDay();
    if (!businessOnly || (weekday !== 0 && weekday !== 6)) out.push(isoDay(day));
    day++;
  }
  return out;
}

function everyNDays(start: string, count: number, step: number): string[] {
  const first = Math.round(Date.parse(`${start}T00:00:00Z`) / 86_400_000);
  return Array.from({ length: count }, (_, i) => isoDay(first + i * step));
}

function monthEnds(year: number, fromMonth: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => isoDay(Math.round(Date.UTC(year, fromMonth + i, 0) / 86_400_000)));
}

function devRows(): { indicator: Indicator; periodicity: string | null }[] {
  return readFileSync(DEV, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const indicator = Indicator.parse(JSON.parse(line));
      return { indicator, periodicity: indicator.periodicity };
    });
}

describe('parsePeriodicity', () => {
  it.each<[string, ReportingFrequency]>([
    ['Daily', 'daily'],
    ['daily', 'daily'],
    ['DAILY', 'daily'],
    ['D', 'daily'],
    ['d', 'daily'],
    ['B', 'daily'],
    ['Business daily', 'daily'],
    ['Daily, 7-day week', 'daily'],
    ['Weekly', 'weekly'],
    ['weekly', 'weekly'],
    ['W', 'weekly'],
    ['Weekly (Friday)', 'weekly'],
    ['Fortnightly', 'weekly'],
    ['Bi-weekly', 'weekly'],
    ['Monthly', 'monthly'],
    ['monthly', 'monthly'],
    ['MONTHLY', 'monthly'],
    ['M', 'monthly'],
    ['m', 'monthly'],
    ['Bimonthly', 'monthly'],
    ['Monthly average of daily data', 'monthly'],
    ['Quarterly', 'quarterly'],
    ['quarterly', 'quarterly'],
    ['Q', 'quarterly'],
    ['q', 'quarterly'],
    ['Quarterly, annualized', 'quarterly'],
    ['Biannually', 'semiannual'],
    ['Biannual', 'semiannual'],
    ['Bi-annual', 'semiannual'],
    ['Semiannual', 'semiannual'],
    ['Semi-annual', 'semiannual'],
    ['Semi-Annually', 'semiannual'],
    ['semi annual', 'semiannual'],
    ['Half-yearly', 'semiannual'],
    ['Half yearly', 'semiannual'],
    ['Six-monthly', 'semiannual'],
    ['S', 'semiannual'],
    ['H', 'semiannual'],
    ['Yearly', 'annual'],
    ['yearly', 'annual'],
    ['Annual', 'annual'],
    ['annual', 'annual'],
    ['annually', 'annual'],
    ['ANNUAL', 'annual'],
    ['A', 'annual'],
    ['a', 'annual'],
    ['Y', 'annual'],
    ['Irregular', 'irregular'],
    ['Biennial', 'irregular'],
    ['  Monthly  ', 'monthly'],
  ])('%j → %s', (text, frequency) => {
    expect(parsePeriodicity(text)).toEqual({ kind: 'declared', frequency, text: text.trim() });
  });

  it('tells absent from unrecognised', () => {
    expect(parsePeriodicity(null)).toEqual({ kind: 'absent' });
    expect(parsePeriodicity(undefined)).toEqual({ kind: 'absent' });
    expect(parsePeriodicity('   ')).toEqual({ kind: 'absent' });
    expect(parsePeriodicity('n/a')).toEqual({ kind: 'unrecognised', text: 'n/a' });
    expect(parsePeriodicity('X')).toEqual({ kind: 'unrecognised', text: 'X' });
  });

  it('recognises every periodicity spelling in dev.jsonl', () => {
    const spellings = new Set(devRows().map((row) => row.periodicity).filter((p) => p !== null));
    expect(spellings.size).toBeGreaterThan(5);
    for (const spelling of spellings) expect(parsePeriodicity(spelling).kind, spelling).toBe('declared');
    expect(parsePeriodicity('Biannually')).toMatchObject({ frequency: 'semiannual' });
  });
});

describe('observeFrequency: spacing of real dates', () => {
  it.each<[string, string[], ReportingFrequency]>([
    ['daily, business days with weekends', days('2024-12-02', 15, true), 'daily'],
    ['daily, every day', days('2024-12-01', 10, false), 'daily'],
    ['weekly', everyNDays('2023-07-28', 9, 7), 'weekly'],
    ['monthly, YYYY-MM', ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'], 'monthly'],
    ['monthly, month ends', monthEnds(2023, 0, 9), 'monthly'],
    ['monthly, one observation missing', ['2024-01', '2024-02', '2024-03', '2024-05', '2024-06', '2024-07'], 'monthly'],
    ['quarterly, YYYY-Qn', ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1'], 'quarterly'],
    ['quarterly, quarter ends', ['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31', '2024-03-31'], 'quarterly'],
    ['semiannual', ['2022-H1', '2022-H2', '2023-H1', '2023-H2'], 'semiannual'],
    ['annual, YYYY', ['2019', '2020', '2021', '2022', '2023'], 'annual'],
    ['annual, year ends', ['2019-12-31', '2020-12-31', '2021-12-31', '2022-12-31'], 'annual'],
    ['fortnightly: between bands', everyNDays('2024-01-02', 8, 14), 'irregular'],
  ])('%s', (_, dates, frequency) => {
    const observed = observeFrequency(dated(dates));
    expect(observed.kind).toBe('spacing');
    if (observed.kind === 'spacing') expect(observed.frequency).toBe(frequency);
  });

  it('ignores pseudo-dates, and sorts the dates', () => {
    const observed = observeFrequency(dated(['last10YearsAvg', '2024-03', '2024-01', '2024-02', 'last10YearsPeerAvg']));
    expect(observed).toMatchObject({ kind: 'spacing', frequency: 'monthly', dated: 3, distinct: 3, pseudo: 2 });
  });

  it('falls back on the date form with a single date', () => {
    expect(observeFrequency(dated(['2024-Q3']))).toMatchObject({ kind: 'granularity', frequency: 'quarterly' });
    expect(observeFrequency(dated(['2024']))).toMatchObject({ kind: 'granularity', frequency: 'annual' });
    expect(observeFrequency(dated(['2024-03']))).toMatchObject({ kind: 'none' });
    expect(observeFrequency(dated(['last10YearsAvg']))).toMatchObject({ kind: 'none', pseudo: 1 });
  });

  it('treats one date repeated as no spacing evidence', () => {
    expect(observeFrequency(dated(Array.from({ length: 5 }, () => '2025-08-31')))).toMatchObject({ kind: 'none', dated: 5, distinct: 1 });
  });
});

describe('inferTime: frequency', () => {
  it('confirms a declared frequency with the dates', () => {
    const result = inferTime(input({ periodicity: 'Monthly', sample_values: dated(monthEnds(2024, 0, 9)) }));
    expect(result).toMatchObject({ reporting_frequency: 'monthly', declared_frequency: 'monthly', observed_frequency: 'monthly' });
    expect(result.reason).toContain('confirmed');
  });

  it('reads business days with weekend gaps as daily', () => {
    const result = inferTime(input({ periodicity: 'Daily', sample_values: dated(days('2024-12-02', 12, true)) }));
    expect(result).toMatchObject({ reporting_frequency: 'daily', observed_frequency: 'daily' });
  });

  it('lets the data win when it clearly disagrees, and records both', () => {
    const quarterEnds = ['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31', '2024-03-31', '2024-06-30', '2024-09-30'];
    const agreed = inferTime(input({ name: 'Changes in Inventories', periodicity: 'Quarterly', sample_values: dated(quarterEnds) }));
    const result = inferTime(input({ name: 'Changes in Inventories', periodicity: 'Yearly', sample_values: dated(quarterEnds) }));
    expect(result).toMatchObject({ reporting_frequency: 'quarterly', declared_frequency: 'annual', observed_frequency: 'quarterly' });
    expect(result.reason).toMatch(/the data wins/);
    expect(result.reason).toContain('"Yearly"');
    expect(result.confidence).toBeLessThan(agreed.confidence);
  });

  it('overrules a monthly periodicity for year-only dates', () => {
    const result = inferTime(input({ periodicity: 'Monthly', sample_values: dated(['2019', '2020', '2021', '2022', '2023']) }));
    expect(result).toMatchObject({ reporting_frequency: 'annual', declared_frequency: 'monthly', observed_frequency: 'annual' });
  });

  it('keeps the periodicity when the dates disagree on too little evidence', () => {
    const result = inferTime(input({ periodicity: 'Monthly', sample_values: dated(['2022', '2023']) }));
    expect(result).toMatchObject({ reporting_frequency: 'monthly', declared_frequency: 'monthly', observed_frequency: 'annual' });
    const confirmed = inferTime(input({ periodicity: 'Monthly', sample_values: dated(['2022-01', '2022-02', '2022-03', '2022-04']) }));
    expect(result.confidence).toBeLessThan(confirmed.confidence);
    expect(result.confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
  });

  it('reads gaps of whole periods as missing observations, not disagreement', () => {
    const result = inferTime(input({ periodicity: 'Weekly', sample_values: dated(everyNDays('2023-10-17', 9, 14)) }));
    expect(result).toMatchObject({ reporting_frequency: 'weekly', declared_frequency: 'weekly', observed_frequency: 'irregular' });
    expect(result.reason).toContain('missing');
  });

  it('ignores pseudo-dates', () => {
    const pseudo = Array.from({ length: 10 }, (_, i) => ({ date: 'last10YearsAvg', value: i }));
    const result = inferTime(input({ name: 'Short-term external debt', periodicity: 'Annual', sample_values: pseudo }));
    expect(result).toMatchObject({ reporting_frequency: 'annual', declared_frequency: 'annual', observed_frequency: null });
    const mixed = inferTime(input({ periodicity: 'Quarterly', sample_values: [...pseudo, ...dated(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'])] }));
    expect(mixed).toMatchObject({ reporting_frequency: 'quarterly', observed_frequency: 'quarterly' });
  });

  it('uses the dates when there is no periodicity', () => {
    const result = inferTime(input({ sample_values: dated(['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4']) }));
    expect(result).toMatchObject({ reporting_frequency: 'quarterly', declared_frequency: null, observed_frequency: 'quarterly' });
  });

  it('uses the date form of a single date when there is no periodicity', () => {
    const result = inferTime(input({ sample_values: dated(['2024-Q2']) }));
    expect(result).toMatchObject({ reporting_frequency: 'quarterly', declared_frequency: null });
    expect(result.confidence).toBeLessThan(0.5);
  });

  it('guesses from a frequency word in the name, with low confidence', () => {
    const result = inferTime(input({ name: 'Monthly Budget Statement' }));
    expect(result.reporting_frequency).toBe('monthly');
    expect(result.confidence).toBeLessThanOrEqual(0.35);
  });

  it('says irregular with very low confidence when nothing is known', () => {
    const result = inferTime(input({ name: 'Something', periodicity: 'whenever', sample_values: dated(['2024-05-03']) }));
    expect(result).toMatchObject({ reporting_frequency: 'irregular', declared_frequency: null });
    expect(result.confidence).toBeLessThanOrEqual(0.1);
    expect(result.reason).toContain('"whenever"');
  });
});

describe('inferTime: time basis', () => {
  it.each<[string, string | null, TimeBasis]>([
    ['Crude Oil Production (Year-to-Date)', 'million barrels', 'cumulative'],
    ['Budget Balance YTD', 'USD Million', 'cumulative'],
    ['Cumulative FDI Inflows', 'USD Million', 'cumulative'],
    ['GDP Growth Rate', '%', 'per-period'],
    ['Inflation Rate (YoY)', '%', 'per-period'],
    ['Retail Sales MoM', '%', 'per-period'],
    ['Volume of Imports of goods', 'Percent change', 'per-period'],
    ['Exports of goods and services', 'Annual % growth', 'per-period'],
    ['Changes in Inventories', 'DZD Million', 'per-period'],
    ['CPI Trimmed-Mean', 'Percent', 'per-period'],
    ['Import Prices MoM', '%', 'per-period'],
    ['Gross Domestic Product', 'USD billions', 'per-period'],
    ['Gross domestic product per capita, current prices', 'National currency', 'per-period'],
    ['Housing Starts', 'thousands of units', 'per-period'],
    ['Initial Jobless Claims', 'thousands', 'per-period'],
    ['Tax revenue (current LCU)', 'Current Turkish Lira', 'per-period'],
    ['Stock Market Trading Volume', 'millions of shares', 'per-period'],
    ['Net Long-term TIC Flows', 'USD Million', 'per-period'],
    ['Trade Balance', 'USD millions', 'per-period'],
    ['Consumer Price Index', 'Index (2015=100)', 'point-in-time'],
    ['Crude Oil Price - Brent', 'USD per barrel', 'point-in-time'],
    ['Policy Interest Rate', '%', 'point-in-time'],
    ['Unemployment Rate', '%', 'point-in-time'],
    ['10-Year Treasury Yield', '%', 'point-in-time'],
    ['Population, total', 'Number', 'point-in-time'],
    ['Government Debt', 'USD billions', 'point-in-time'],
    ['Foreign Exchange Reserves', 'USD billions', 'point-in-time'],
    ['Direct Investment Liabilities', 'USD Hundred Million', 'point-in-time'],
    ['Labor Force', 'thousands of persons', 'point-in-time'],
    ['Dallas Fed Services Revenues Index', 'points', 'point-in-time'],
    ['Tax Rate Corporate', '%', 'point-in-time'],
    ['Medical Doctors', 'per 1000 people', 'point-in-time'],
  ])('%s (%s) → %s', (name, units, basis) => {
    expect(inferTime(input({ name, units })).time_basis).toBe(basis);
  });

  it('takes cumulative words from the description, but not change words', () => {
    expect(inferTime(input({ name: 'Oil Output', description: 'Cumulative since the start of the year' })).time_basis).toBe('cumulative');
    const ppi = inferTime(input({ name: 'Producer Price Index', units: 'index', description: 'Measures the average change over time in selling prices' }));
    expect(ppi.time_basis).toBe('point-in-time');
  });

  it('admits a guess with a low confidence', () => {
    const result = inferTime(input({ name: 'API Cushing Number', units: 'BBL/1Million', periodicity: 'Weekly' }));
    expect(result.time_basis).toBe('point-in-time');
    expect(result.confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(result.confidence).toBeLessThan(inferTime(input({ name: 'Crude Oil Stocks', units: 'BBL/1Million', periodicity: 'Weekly' })).confidence);
    expect(result.reason).toContain('guess');
  });
});

/** Issue 12: the time stage's confidence comes from its evidence (cues, weighed by the fitted model), not a constant per rule. */
describe('inferTime: confidence from evidence', () => {
  const months = dated(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`));

  it('is the chance that both halves are right: the product of the frequency and basis models', () => {
    const texts = { name: 'Exports', units: 'USD Million', description: null };
    const frequency = inferFrequency(input({ ...texts, periodicity: 'Monthly', sample_values: months }));
    const basis = inferTimeBasis(texts);
    expect(frequency.cues).toEqual(['declared', 'datesConfirm', 'manyDates']);
    expect(basis.cues).toEqual(['flow']);
    const result = inferTime(input({ ...texts, periodicity: 'Monthly', sample_values: months }));
    expect(result.confidence).toBe(timeConfidence(frequency.cues, basis.cues));
    // Less sure than either half alone.
    expect(result.confidence).toBeLessThan(timeConfidence(frequency.cues, ['changeWord', 'corroborated']));
  });

  it('a rule of another basis that also matches lowers it; one of the same basis raises it', () => {
    const rival = inferTimeBasis({ name: 'Revenue Index', units: 'points', description: null });
    expect(rival.basis).toBe('point-in-time');
    expect(rival.cues).toContain('rivalBasis');
    expect(rival.reason).toContain('but');
    const alone = inferTimeBasis({ name: 'Consumer Confidence', units: null, description: null });
    expect(alone.cues).toEqual(['levelMeasure']);
    const corroborated = inferTimeBasis({ name: 'Consumer Confidence', units: 'points', description: null });
    expect(corroborated.cues).toEqual(['levelMeasure', 'corroborated']);
    const freq = inferFrequency(input({ periodicity: 'Monthly', sample_values: months })).cues;
    expect(timeConfidence(freq, corroborated.cues)).toBeGreaterThanOrEqual(timeConfidence(freq, alone.cues));
    // The fit may take a doubt down to 0 when the labels say it tells little; it never makes it raise.
    expect(timeConfidence(freq, ['levelMeasure', 'rivalBasis'])).toBeLessThanOrEqual(timeConfidence(freq, alone.cues));
    const prior = { basis: BASIS_MODEL.prior, frequency: FREQUENCY_MODEL.prior };
    expect(timeConfidence(freq, ['levelMeasure', 'rivalBasis'], prior)).toBeLessThan(timeConfidence(freq, alone.cues, prior));
  });

  it('a confident reading scores high and a guess low, whatever the frequency evidence', () => {
    const guess = inferTime(input({ name: 'API Cushing Number', units: 'BBL/1Million', periodicity: 'Monthly', sample_values: months }));
    const read = inferTime(input({ name: 'GDP Growth Rate', units: '%', periodicity: 'Monthly', sample_values: months }));
    expect(read.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(guess.confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(inferTimeBasis({ name: 'API Cushing Number', units: 'BBL/1Million', description: null }).guess).toBe(true);
  });

  it('keeps the signs of the models: supports never lower, doubts never raise', () => {
    for (const c of BASIS_MODEL.supports) expect(BASIS_MODEL.prior[c]).toBeGreaterThanOrEqual(0);
    for (const c of BASIS_MODEL.doubts) expect(BASIS_MODEL.prior[c]).toBeLessThanOrEqual(0);
    for (const c of FREQUENCY_MODEL.supports) expect(FREQUENCY_MODEL.prior[c]).toBeGreaterThan(0);
    for (const c of FREQUENCY_MODEL.doubts) expect(FREQUENCY_MODEL.prior[c]).toBeLessThan(0);
  });
});

describe('inferTime: dev.jsonl', () => {
  const rows = devRows();

  it('gives a valid result for every item', () => {
    for (const { indicator } of rows) {
      const result = TimeInferenceResult.parse(inferTime(indicator));
      expect(result.source).toBe('rules');
      expect(result.reason.length, indicator.id).toBeGreaterThan(0);
    }
  });

  it('keeps the declared frequency unless the dates clearly disagree', () => {
    const changed = rows.filter(({ indicator }) => {
      const result = inferTime(indicator);
      return result.reporting_frequency !== result.declared_frequency;
    });
    expect(changed.map(({ indicator }) => indicator.id)).toEqual(['ALGERIACHAININV']);
  });

  it('marks only the year-to-date item cumulative', () => {
    const cumulative = rows.filter(({ indicator }) => inferTime(indicator).time_basis === 'cumulative');
    expect(cumulative.map(({ indicator }) => indicator.id)).toEqual(['oil_production_ytd']);
  });
});

describe('inferTime: any input', () => {
  it('always returns a valid result', () => {
    const date = fc.oneof(
      fc.integer({ min: 1990, max: 2030 }).map(String),
      fc.date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constant('last10YearsAvg'),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.option(fc.oneof(fc.string(), fc.constantFrom('Monthly', 'Biannually', 'A', 'Weekly'))),
        fc.option(fc.string()),
        fc.array(fc.record({ date, value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })) }), { maxLength: 30 }),
        (name, periodicity, units, samples) => {
          TimeInferenceResult.parse(inferTime(input({ name, periodicity, units, sample_values: samples })));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parsePeriodicity: text that names an Object.prototype property', () => {
  it.each(['__proto__', 'constructor', 'toString'])('%s is unknown, not a crash', async (text) => {
    const { inferTime } = await import('../src/stages/time/index.js');
    const result = inferTime({ name: 'x', periodicity: text, units: null, description: null, sample_values: [] });
    expect(result.declared_frequency).toBeNull();
  });
});

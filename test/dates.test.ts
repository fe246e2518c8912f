import { describe, it, expect } from 'vitest';
import { parseDate, type ParsedDate } from '../src/domain/dates.js';

function observation(raw: string): Extract<ParsedDate, { kind: 'observation' }> {
  const parsed = parseDate(raw);
  if (!parsed.ok || parsed.date.kind !== 'observation') throw new Error(`expected an observation for ${raw}`);
  return parsed.date;
}

function epochDayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

describe('parseDate: observation forms', () => {
  it.each([
    ['2024', 'year', 2024, 1, 1],
    ['2024-03', 'month', 2024, 3, 1],
    ['2024-03-15', 'day', 2024, 3, 15],
    ['2024-03-15T10:30:00Z', 'day', 2024, 3, 15],
    ['2024-03-15 10:30', 'day', 2024, 3, 15],
    ['2024-03-15T10:30:00+02:00', 'day', 2024, 3, 15],
    ['2024-03-15T23:59:59.123456Z', 'day', 2024, 3, 15],
    ['2024-03-15T00:00-05:30', 'day', 2024, 3, 15],
    ['2024-Q1', 'quarter', 2024, 1, 1],
    ['2024-Q2', 'quarter', 2024, 4, 1],
    ['2024-Q4', 'quarter', 2024, 10, 1],
    ['2024-H1', 'half', 2024, 1, 1],
    ['2024-H2', 'half', 2024, 7, 1],
    ['2024-S2', 'half', 2024, 7, 1],
    [' 2024-12-31 ', 'day', 2024, 12, 31],
    ['2024-02-29', 'day', 2024, 2, 29],
  ] as const)('%s', (raw, granularity, year, month, day) => {
    const date = observation(raw);
    expect(date).toMatchObject({ granularity, year, month, day });
    expect(date.epochDay).toBe(epochDayOf(year, month, day));
  });

  it('counts days from 1970-01-01', () => {
    expect(observation('1970-01-01').epochDay).toBe(0);
    expect(observation('1970-01-02').epochDay).toBe(1);
    expect(observation('1969-12-31').epochDay).toBe(-1);
  });

  it('spaces periods by their real length', () => {
    expect(observation('2024-Q2').epochDay - observation('2024-Q1').epochDay).toBe(91);
    expect(observation('2025').epochDay - observation('2024').epochDay).toBe(366);
    expect(observation('2024-03').epochDay - observation('2024-02').epochDay).toBe(29);
  });

  it('keeps years below 100 (Date.UTC would map them to 1900-1999)', () => {
    const date = observation('0050-01-01');
    expect(date.year).toBe(50);
    const expected = new Date(0);
    expected.setUTCFullYear(50, 0, 1);
    expect(date.epochDay).toBe(Math.round(expected.getTime() / 86_400_000));
  });
});

describe('parseDate: pseudo-dates', () => {
  it.each(['last10YearsAvg', 'last10YearsPeerAvg', 'last5YearsAvg', 'last12MonthsAvg', 'last8QuartersPeerAvg'])('%s is a pseudo-date', (raw) => {
    expect(parseDate(raw)).toEqual({ ok: true, date: { kind: 'pseudo', label: raw } });
  });
});

describe('parseDate: invalid dates', () => {
  it.each([
    '2024-13',
    '2024-00',
    '2024-02-30',
    '2023-02-29',
    '2024-04-31',
    '2024-12-32',
    '2024-Q5',
    '2024-Q0',
    '2024-H3',
    '24-01',
    '12345',
    '2024/01/01',
    '01/02/2024',
    'last 10 years',
    '',
    '   ',
    // Loose forms that only look like dates: guessing would misplace observations.
    '2024-1-5',
    '2024-3',
    '2024-03-5',
    '2024Q3',
    '2024 Q4',
    '2024-q4',
    '2024S2',
    '2024-03-15T24:00',
    '2024-03-15T10:60',
    '2024-03-15T10',
    '2024-03-15X10:30',
    '2024-03-15T10:30+25:00',
    // Words are not pseudo-dates: only the documented last<N><unit>[Peer]Avg family is.
    'yesterday',
    'latest',
    'avg_5y',
    'last10YearsMax',
  ])('%j is rejected with a reason', (raw) => {
    const parsed = parseDate(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { code as isoCurrency } from 'currency-codes';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogSlots,
  CONCEPTS,
  COUNTRIES,
  generateCatalog,
  writeCatalog,
  type CatalogWriteFormat,
} from '../src/catalog/generate/index.js';
import { USD_RATES } from '../src/catalog/generate/countries.js';
import { parseDate } from '../src/domain/dates.js';
import { Indicator, type IndicatorInput } from '../src/domain/indicator.js';
import { FAMILY_TYPES, TemporalAggregation, typeBelongsToFamily, type Family } from '../src/domain/taxonomy.js';

const take = (count: number, seed: number): IndicatorInput[] => [...generateCatalog({ count, seed })];
const INDICATOR_FIELDS = new Set(Object.keys(Indicator.shape));

/** Observations only: pseudo-dates such as last10YearsAvg are summaries, not periods. */
function observations(row: IndicatorInput) {
  return (row.sample_values ?? []).filter((s) => {
    const parsed = parseDate(String(s.date));
    return parsed.ok && parsed.date.kind === 'observation';
  });
}

describe('generateCatalog', () => {
  const big = take(20_000, 3);

  it('is deterministic for a seed, and differs between seeds', () => {
    expect(take(100, 1)).toEqual(take(100, 1));
    expect(take(100, 2)).not.toEqual(take(100, 1));
  });

  it('gives a small catalog as the start of a big one', () => {
    expect(take(10_903, 9).slice(0, 50)).toEqual(take(50, 9));
  });

  it('honours the count, 10903 included, with unique ids', () => {
    expect(take(0, 1)).toHaveLength(0);
    expect(take(1, 1)).toHaveLength(1);
    const rows = take(10_903, 10_903);
    expect(rows).toHaveLength(10_903);
    expect(new Set(rows.map((r) => r.id)).size).toBe(10_903);
  });

  it('rejects a count that is not a whole number', () => {
    expect(() => take(-1, 1)).toThrow(RangeError);
    expect(() => take(1.5, 1)).toThrow(RangeError);
  });

  it('covers 10903 distinct series before repeating any, and keeps ids unique past them', () => {
    expect(catalogSlots().length).toBeGreaterThanOrEqual(10_903);
    expect(big.length).toBeGreaterThan(catalogSlots().length);
    expect(new Set(big.map((r) => r.id)).size).toBe(big.length);
  });

  it('writes only catalog fields, every row valid under the Indicator schema', () => {
    const invalid = big.filter((row) => !Indicator.safeParse(row).success);
    expect(invalid.slice(0, 3)).toEqual([]);
    for (const row of big.slice(0, 2000)) for (const key of Object.keys(row)) expect(INDICATOR_FIELDS).toContain(key);
  });

  it('has 10-60 observations a row, ending around 2025, with realistic gaps', () => {
    const rate = (test: (row: IndicatorInput) => boolean) => big.filter(test).length / big.length;
    for (const row of big) {
      const count = observations(row).length;
      if (count > 0) expect(count).toBeGreaterThanOrEqual(10);
      expect(count).toBeLessThanOrEqual(60);
    }
    const latest = big.map((row) => Math.max(...observations(row).map((s) => Number(String(s.date).slice(0, 4)))));
    expect(latest.filter((year) => year >= 2023).length / big.length).toBeGreaterThan(0.9);
    expect(rate((r) => (r.sample_values ?? []).some((s) => /^[a-z]/i.test(String(s.date))))).toBeGreaterThan(0.015);
    expect(rate((r) => r.description == null)).toBeGreaterThan(0.5);
    expect(rate((r) => r.periodicity == null)).toBeGreaterThan(0.01);
    expect(rate((r) => r.units == null || r.units === '')).toBeGreaterThan(0.01);
    expect(rate((r) => (r.sample_values ?? []).length === 0)).toBeGreaterThan(0.005);
  });

  it('writes year-to-date series that fall back at each January', () => {
    const ytd = big.filter((r) => /^exports_ytd_|^government_revenue_ytd_/.test(String(r.id)));
    let resets = 0;
    for (const row of ytd) {
      const points = observations(row)
        .filter((s) => s.value !== null)
        .map((s) => ({ date: String(s.date), value: Number(s.value) }))
        .sort((a, b) => a.date.localeCompare(b.date));
      for (const [i, point] of points.entries()) {
        const previous = points[i - 1];
        if (!previous || previous.date.slice(0, 4) === point.date.slice(0, 4)) continue;
        expect(point.value).toBeLessThan(previous.value);
        resets++;
      }
    }
    expect(resets).toBeGreaterThan(10);
  });

  it('writes money in the country’s own currency code', () => {
    const albania = big.filter((r) => r.country === 'Albania' && /^ALL /.test(String(r.units)));
    const euro = big.filter((r) => r.country === 'Germany' && /^EUR /.test(String(r.units)));
    expect(albania.length + euro.length).toBeGreaterThan(0);
    expect(big.some((r) => /^[A-Z]{3} (Million|Billion|Thousand)$/.test(String(r.units)))).toBe(true);
  });
});

describe('concepts', () => {
  it('number 110-150, every family, type and temporal aggregation among them', () => {
    expect(CONCEPTS.length).toBeGreaterThanOrEqual(110);
    expect(CONCEPTS.length).toBeLessThanOrEqual(150);
    expect(new Set(CONCEPTS.map((c) => c.key)).size).toBe(CONCEPTS.length);
    for (const family of Object.keys(FAMILY_TYPES) as Family[]) {
      for (const type of FAMILY_TYPES[family]) {
        expect(CONCEPTS.some((c) => c.intended.family === family && c.intended.type === type), `${family}/${type}`).toBe(true);
      }
    }
    for (const aggregation of TemporalAggregation.options) {
      expect(CONCEPTS.some((c) => c.intended.aggregation === aggregation), aggregation).toBe(true);
    }
    for (const c of CONCEPTS) expect(typeBelongsToFamily(c.intended.family, c.intended.type)).toBe(true);
  });

  it('name countries that exist', () => {
    const codes = new Set(COUNTRIES.map((c) => c.iso3));
    for (const concept of CONCEPTS) for (const iso3 of concept.only ?? []) expect(codes, concept.key).toContain(iso3);
  });
});

describe('countries', () => {
  it('are about 190, with real ISO 4217 currencies and a USD rate each', () => {
    expect(COUNTRIES.length).toBeGreaterThanOrEqual(180);
    expect(COUNTRIES.length).toBeLessThanOrEqual(200);
    expect(new Set(COUNTRIES.map((c) => c.iso3)).size).toBe(COUNTRIES.length);
    for (const country of COUNTRIES) {
      expect(isoCurrency(country.currency), country.name).toBeDefined();
      expect(USD_RATES[country.currency], country.currency).toBeGreaterThan(0);
    }
    const currencyOf = (name: string) => COUNTRIES.find((c) => c.name === name)?.currency;
    expect(currencyOf('France')).toBe('EUR');
    expect(currencyOf('Senegal')).toBe('XOF');
    expect(currencyOf('Cameroon')).toBe('XAF');
    expect(currencyOf('Ecuador')).toBe('USD');
  });
});

describe('writeCatalog', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classify-generate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const rows = take(400, 5);
  const expected = rows.map((row) => Indicator.parse(row));

  async function readBack(path: string, format: CatalogWriteFormat): Promise<unknown[]> {
    const text = await readFile(path, 'utf8');
    if (format === 'json') return JSON.parse(text) as unknown[];
    if (format === 'ndjson') return text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    const records: Record<string, string>[] = parseCsv<Record<string, string>>(text, { columns: true });
    return records.map((record) => ({
      ...record,
      sample_values: record.sample_values ? (JSON.parse(record.sample_values) as unknown) : null,
    }));
  }

  it.each(['json', 'ndjson', 'csv'] as const)('round-trips %s', async (format) => {
    const path = join(dir, `catalog.${format}`);
    expect(await writeCatalog(rows, path, format)).toBe(rows.length);
    const back = await readBack(path, format);
    expect(back.map((row) => Indicator.parse(row))).toEqual(expected);
  });

  it('streams from a generator, and writes an empty catalog as valid files', async () => {
    const path = join(dir, 'streamed.ndjson');
    expect(await writeCatalog(generateCatalog({ count: 250, seed: 8 }), path, 'ndjson')).toBe(250);
    expect(await writeCatalog([], join(dir, 'empty.json'), 'json')).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'empty.json'), 'utf8'))).toEqual([]);
    await writeCatalog([], join(dir, 'empty.csv'), 'csv');
    const header = (await readFile(join(dir, 'empty.csv'), 'utf8')).trim().split(',');
    expect(header).toEqual([...INDICATOR_FIELDS]);
  });
});

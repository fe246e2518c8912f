import { describe, expect, it } from 'vitest';
import { NormalizationResult } from '../src/domain/results.js';
import { currencyOfCountry, unresolvedCountryTables } from '../src/stages/normalize/countries.js';
import { unknownAliasCodes } from '../src/stages/normalize/currencies.js';
import { normalize, type NormalizationInput } from '../src/stages/normalize/index.js';
import { formatFactor, parseCatalogScale, scaleOf } from '../src/stages/normalize/scale.js';

function input(units: string | null, extra: Partial<NormalizationInput> = {}): NormalizationInput {
  return { units, scale: null, currency_code: null, country: null, name: 'Indicator', ...extra };
}

type Row = readonly [
  units: string,
  unitType: NormalizationResult['unit_type'],
  scaleFactor: number,
  currency: string | null,
  perUnit: string | null,
];

/** Real-world units strings: every distinct `units` of dev.jsonl, then the forms the issue names. */
const TABLE: readonly Row[] = [
  // dev.jsonl
  ['%', 'percentage', 1, null, null],
  ['points', 'index', 1, null, null],
  ['% of GDP', 'percentage', 1, null, null],
  ['index', 'index', 1, null, null],
  ['USD billions', 'currency-amount', 1e9, 'USD', null],
  ['Number', 'count', 1, null, null],
  ['Index, 2010=100', 'index', 1, null, null],
  ['Annual % growth', 'percentage', 1, null, null],
  ['ratio', 'ratio', 1, null, null],
  ['% of total labor force', 'percentage', 1, null, null],
  ['Current USD', 'currency-amount', 1, 'USD', null],
  ['percent', 'percentage', 1, null, null],
  ['DOD, current USD', 'currency-amount', 1, 'USD', null],
  ['USD Million', 'currency-amount', 1e6, 'USD', null],
  ['% of potential GDP', 'percentage', 1, null, null],
  ['Annual %', 'percentage', 1, null, null],
  ['correlation coefficient', 'ratio', 1, null, null],
  ['elasticity coefficient', 'ratio', 1, null, null],
  ['multiplier', 'ratio', 1, null, null],
  ['score (0-10)', 'index', 1, null, null],
  ['risk score (0-100)', 'index', 1, null, null],
  ['months of imports', 'ratio', 1, null, null],
  ['thousands of units', 'count', 1e3, null, null],
  ['percentage points', 'percentage', 1, null, null],
  ['USD millions', 'currency-amount', 1e6, 'USD', null],
  ['thousands of persons', 'count', 1e3, null, null],
  ['million barrels', 'physical', 1e6, null, null],
  ['millions of shares', 'count', 1e6, null, null],
  ['Current Turkish Lira', 'currency-amount', 1, 'TRY', null],
  ['Index (2015=100)', 'index', 1, null, null],
  ['USD per barrel', 'rate', 1, 'USD', 'barrel'],
  ['USD per troy ounce', 'rate', 1, 'USD', 'troy ounce'],
  ['USD per metric ton', 'rate', 1, 'USD', 'metric ton'],
  ['USD per bushel', 'rate', 1, 'USD', 'bushel'],
  ['% of portfolio', 'percentage', 1, null, null],
  ['weeks', 'duration', 1, null, null],
  ['USD per year', 'currency-amount', 1, 'USD', 'year'],
  ['AFN Million', 'currency-amount', 1e6, 'AFN', null],
  ['percent of GDP', 'percentage', 1, null, null],
  ['DZD Million', 'currency-amount', 1e6, 'DZD', null],
  ['per 1000 people', 'rate', 1, null, '1000 people'],
  ['Terajoule', 'physical', 1, null, null],
  ['Percent', 'percentage', 1, null, null],
  ['USD Hundred Million', 'currency-amount', 1e8, 'USD', null],
  ['USD million', 'currency-amount', 1e6, 'USD', null],
  ['National currency', 'currency-amount', 1, null, null],
  ['Percent change', 'percentage', 1, null, null],
  ['XAF', 'currency-amount', 1, 'XAF', null],
  ['LKR', 'currency-amount', 1, 'LKR', null],
  ['MWK', 'currency-amount', 1, 'MWK', null],
  ['BBL/1Million', 'physical', 1e6, null, null],
  // currency words and symbols
  ['US$', 'currency-amount', 1, 'USD', null],
  ['$', 'currency-amount', 1, 'USD', null],
  ['dollars', 'currency-amount', 1, 'USD', null],
  ['U.S. dollars', 'currency-amount', 1, 'USD', null],
  ['current US$', 'currency-amount', 1, 'USD', null],
  ['constant 2015 US$', 'currency-amount', 1, 'USD', null],
  ['Turkish Lira', 'currency-amount', 1, 'TRY', null],
  ['euro', 'currency-amount', 1, 'EUR', null],
  ['EUR Bn', 'currency-amount', 1e9, 'EUR', null],
  ['Australian dollars', 'currency-amount', 1, 'AUD', null],
  ['Hong Kong dollars', 'currency-amount', 1, 'HKD', null],
  ['pounds sterling', 'currency-amount', 1, 'GBP', null],
  ['yen', 'currency-amount', 1, 'JPY', null],
  ['local currency', 'currency-amount', 1, null, null],
  ['LCU', 'currency-amount', 1, null, null],
  ['current LCU', 'currency-amount', 1, null, null],
  ['AMT, current US$', 'currency-amount', 1, 'USD', null],
  ['€ million', 'currency-amount', 1e6, 'EUR', null],
  // scales
  ['CNY Hundred Million', 'currency-amount', 1e8, 'CNY', null],
  ['JPY Ten Thousand', 'currency-amount', 1e4, 'JPY', null],
  ['INR hundred thousand', 'currency-amount', 1e5, 'INR', null],
  ['USD Thousand', 'currency-amount', 1e3, 'USD', null],
  ['USD K', 'currency-amount', 1e3, 'USD', null],
  ['GBP Mn', 'currency-amount', 1e6, 'GBP', null],
  ['USD M', 'currency-amount', 1e6, 'USD', null],
  ['NOK mln', 'currency-amount', 1e6, 'NOK', null],
  ['KRW Billion', 'currency-amount', 1e9, 'KRW', null],
  ['JPY trillions', 'currency-amount', 1e12, 'JPY', null],
  ['hundreds of persons', 'count', 1e2, null, null],
  ['Thousand', 'count', 1e3, null, null],
  // per-unit forms
  ['EUR/MWh', 'rate', 1, 'EUR', 'MWh'],
  ['USD/bbl', 'rate', 1, 'USD', 'barrel'],
  ['per 100,000 inhabitants', 'rate', 1, null, '100,000 inhabitants'],
  ['doctors per 1000 people', 'rate', 1, null, '1000 people'],
  ['BBL/D/1K', 'physical', 1e3, null, 'day'],
  ['LCU per US$, period average', 'rate', 1, null, 'USD'],
  ['USD per capita', 'rate', 1, 'USD', 'capita'],
  // percentages
  ['percentage', 'percentage', 1, null, null],
  ['% change', 'percentage', 1, null, null],
  ['% yoy', 'percentage', 1, null, null],
  ['per cent', 'percentage', 1, null, null],
  ['pp', 'percentage', 1, null, null],
  ['bps', 'percentage', 1, null, null],
  ['basis points', 'percentage', 1, null, null],
  ['% per annum', 'percentage', 1, null, null],
  // indices
  ['2010=100', 'index', 1, null, null],
  ['Index points', 'index', 1, null, null],
  ['points (2000 = 100)', 'index', 1, null, null],
  // counts
  ['persons', 'count', 1, null, null],
  ['people', 'count', 1, null, null],
  ['units', 'count', 1, null, null],
  ['jobs', 'count', 1, null, null],
  ['companies', 'count', 1, null, null],
  ['doctors', 'count', 1, null, null],
  ['Thousands of vehicles', 'count', 1e3, null, null],
  // physical
  ['barrels', 'physical', 1, null, null],
  ['BBL', 'physical', 1, null, null],
  ['TJ', 'physical', 1, null, null],
  ['MWh', 'physical', 1, null, null],
  ['GWh', 'physical', 1, null, null],
  ['kWh', 'physical', 1, null, null],
  ['tonnes', 'physical', 1, null, null],
  ['Thousand metric tons', 'physical', 1e3, null, null],
  ['Kt', 'physical', 1, null, null],
  ['Mt', 'physical', 1, null, null],
  ['kg', 'physical', 1, null, null],
  ['litres', 'physical', 1, null, null],
  ['million cubic meters', 'physical', 1e6, null, null],
  ['hectares', 'physical', 1, null, null],
  ['km', 'physical', 1, null, null],
  // ratios
  ['x', 'ratio', 1, null, null],
  ['times', 'ratio', 1, null, null],
  // durations
  ['days', 'duration', 1, null, null],
  ['months', 'duration', 1, null, null],
  ['years', 'duration', 1, null, null],
  // not units at all
  ['industry/services', 'unknown', 1, null, null],
  ['n.a.', 'unknown', 1, null, null],
];

describe('normalize: units strings', () => {
  it('covers at least 70 real-world strings', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(70);
    expect(new Set(TABLE.map(([units]) => units)).size).toBe(TABLE.length);
  });

  it.each(TABLE)('%s', (units, unitType, scaleFactor, currency, perUnit) => {
    const result = normalize(input(units));
    expect(result).toMatchObject({ unit_type: unitType, scale_factor: scaleFactor, currency, per_unit: perUnit });
    expect(result.scale).toBe(scaleOf(scaleFactor));
    expect(NormalizationResult.parse(result)).toEqual(result);
    expect(result.source).toBe('rules');
    expect(result.reason).toContain(`units "${units}"`);
  });
});

describe('normalize: scale enum and factor', () => {
  it.each([
    [1, 'ones'],
    [10, 'ones'],
    [1e2, 'hundreds'],
    [1e3, 'thousands'],
    [1e4, 'thousands'],
    [1e5, 'thousands'],
    [1e6, 'millions'],
    [1e8, 'millions'],
    [1e9, 'billions'],
    [1e12, 'trillions'],
    [1e15, 'trillions'],
  ] as const)('%d is %s', (factor, scale) => {
    expect(scaleOf(factor)).toBe(scale);
  });

  it('reports "Hundred Million" as 1e8 in the reason', () => {
    expect(normalize(input('USD Hundred Million')).reason).toBe(
      'units "USD Hundred Million": currency-amount, currency USD, scale 1e8',
    );
    expect(formatFactor(1e8)).toBe('1e8');
    expect(formatFactor(1)).toBe('1');
  });

  it.each([
    ['Millions', 1e6],
    ['Units', 1],
    ['Thousands', 1e3],
    ['Billions', 1e9],
    ['Hundred Million', 1e8],
    ['1000', 1e3],
    ['Ones', 1],
    ['lots', null],
  ] as const)('reads catalog scale %s', (raw, factor) => {
    expect(parseCatalogScale(raw)).toBe(factor);
  });
});

describe('normalize: the catalog fields win', () => {
  it('catalog scale overrides a different units scale, with lower confidence', () => {
    const plain = normalize(input('USD billions'));
    const result = normalize(input('USD billions', { scale: 'Millions' }));
    expect(result).toMatchObject({ scale: 'millions', scale_factor: 1e6, currency: 'USD' });
    expect(result.confidence).toBeLessThan(plain.confidence);
    expect(result.reason).toContain('catalog scale "Millions" overrides units scale 1e9');
  });

  it('keeps an exact factor the catalog can only name by its bucket', () => {
    const result = normalize(input('USD Hundred Million', { scale: 'Millions', currency_code: 'USD' }));
    expect(result).toMatchObject({ scale: 'millions', scale_factor: 1e8, currency: 'USD' });
  });

  it('supplies the scale when the units state none', () => {
    expect(normalize(input('BBL/1Million', { scale: 'Millions' })).scale_factor).toBe(1e6);
    expect(normalize(input('National currency', { scale: 'Units' })).scale_factor).toBe(1);
    expect(normalize(input('Current USD', { scale: 'Thousands' })).scale_factor).toBe(1e3);
  });

  it('catalog currency_code overrides the units currency', () => {
    const result = normalize(input('USD Million', { currency_code: 'EUR' }));
    expect(result).toMatchObject({ unit_type: 'currency-amount', currency: 'EUR', scale_factor: 1e6 });
    expect(result.reason).toContain('overrides units currency USD');
  });

  it('accepts a lower-case or symbolic catalog currency_code', () => {
    expect(normalize(input('Million', { currency_code: 'usd' })).currency).toBe('USD');
    expect(normalize(input('Current USD', { currency_code: 'US$' })).currency).toBe('USD');
  });

  it('agrees silently when both say the same', () => {
    const result = normalize(input('Current Turkish Lira', { currency_code: 'TRY' }));
    expect(result).toMatchObject({ currency: 'TRY', confidence: 0.9 });
    expect(result.reason).toBe('units "Current Turkish Lira": currency-amount, currency TRY');
  });

  it('resolves "National currency" from the catalog currency_code', () => {
    expect(normalize(input('National currency', { currency_code: 'JPY' }))).toMatchObject({
      unit_type: 'currency-amount',
      currency: 'JPY',
    });
  });

  it('makes missing or bare-scale units a currency amount when the catalog names a currency', () => {
    expect(normalize(input(null, { currency_code: 'USD', scale: 'Millions' }))).toMatchObject({
      unit_type: 'currency-amount',
      currency: 'USD',
      scale_factor: 1e6,
      confidence: 0.6,
    });
    expect(normalize(input('Million', { currency_code: 'EUR' }))).toMatchObject({
      unit_type: 'currency-amount',
      currency: 'EUR',
    });
  });

  it('does not turn a percentage or an index into money or millions', () => {
    const result = normalize(input('%', { currency_code: 'USD', scale: 'Millions' }));
    expect(result).toMatchObject({ unit_type: 'percentage', currency: null, scale: 'ones', scale_factor: 1 });
    expect(result.reason).toContain('ignored');
    expect(normalize(input('points', { currency_code: 'EUR' })).currency).toBeNull();
  });

  it('ignores a catalog field it cannot read', () => {
    const result = normalize(input('USD Million', { scale: 'lots', currency_code: 'Zorkmids' }));
    expect(result).toMatchObject({ currency: 'USD', scale_factor: 1e6 });
    expect(result.reason).toContain('not understood');
  });
});

describe('normalize: words that are not currencies', () => {
  it.each([
    'all',
    'try',
    'top',
    'mop',
    'cup',
    'bob',
    'gel',
    'mad',
    'sos',
    'php',
    'std',
    'Try',
    'industry/services',
    'Index, all items',
    'tonnes per cup',
    'top 10 companies',
  ])('%s names no currency', (units) => {
    expect(normalize(input(units)).currency).toBeNull();
  });

  it('reads a code only as a standalone upper-case token', () => {
    expect(normalize(input('TRY')).currency).toBe('TRY');
    expect(normalize(input('PHP Million')).currency).toBe('PHP');
    expect(normalize(input('AMT, current US$'))).toMatchObject({ unit_type: 'currency-amount', currency: 'USD' });
    expect(normalize(input('DOD, current USD'))).toMatchObject({ unit_type: 'currency-amount', currency: 'USD' });
  });

  it('does not read gold or silver as money', () => {
    expect(normalize(input('gold tonnes'))).toMatchObject({ unit_type: 'physical', currency: null });
  });
});

describe('normalize: national currency', () => {
  it('without a country: a currency amount with no code and lower confidence', () => {
    const result = normalize(input('National currency'));
    expect(result).toMatchObject({ unit_type: 'currency-amount', currency: null });
    expect(result.confidence).toBeLessThan(0.7);
    expect(result.reason).toContain('country unknown');
  });

  it.each([
    ['National currency', 'Japan', 'JPY'],
    ['National currency', 'United States', 'USD'],
    ['National currency', 'Euro Area', 'EUR'],
    ['National currency', 'Germany', 'EUR'],
    ['National currency', 'United Kingdom', 'GBP'],
    ['local currency', 'Turkey', 'TRY'],
    ['local currency', 'Türkiye', 'TRY'],
    ['LCU', 'Korea, Rep.', 'KRW'],
    ['current LCU', 'Egypt, Arab Rep.', 'EGP'],
    ['National currency', 'Bolivia', 'BOB'],
    ['National currency', 'Switzerland', 'CHF'],
    ['National currency', 'Lesotho', 'LSL'],
    ['National currency', 'Netherlands', 'EUR'],
    ["National currency", "Côte d'Ivoire", 'XOF'],
    ['National currency', 'Hong Kong SAR, China', 'HKD'],
    ['National currency', 'Russia', 'RUB'],
  ])('%s in %s is %s', (units, country, code) => {
    const result = normalize(input(units, { country }));
    expect(result).toMatchObject({ unit_type: 'currency-amount', currency: code });
    expect(result.confidence).toBeGreaterThanOrEqual(0.85);
  });

  it('leaves an unknown country unresolved', () => {
    expect(normalize(input('National currency', { country: 'Atlantis' })).currency).toBeNull();
    expect(currencyOfCountry('World')).toBeNull();
  });

  it('reads "$" and "dollars" as the country\'s dollar where it has one', () => {
    expect(normalize(input('$', { country: 'Canada' })).currency).toBe('CAD');
    expect(normalize(input('dollars', { country: 'Australia' })).currency).toBe('AUD');
    expect(normalize(input('dollars', { country: 'Japan' })).currency).toBe('USD');
  });

  it('hand tables point only at codes and countries ISO knows', () => {
    expect(unknownAliasCodes()).toEqual([]);
    expect(unresolvedCountryTables()).toEqual([]);
  });
});

describe('normalize: missing units', () => {
  it('is unknown with low confidence', () => {
    const result = normalize(input(null));
    expect(result).toMatchObject({ unit_type: 'unknown', scale: 'ones', scale_factor: 1, currency: null, per_unit: null });
    expect(result.confidence).toBeLessThanOrEqual(0.2);
    expect(normalize(input('   ')).unit_type).toBe('unknown');
  });

  it('falls back on a unit in the name, at a discount', () => {
    const result = normalize(input(null, { name: 'GDP per capita (current US$)' }));
    expect(result).toMatchObject({ unit_type: 'currency-amount', currency: 'USD' });
    expect(result.confidence).toBeLessThan(0.8);
    expect(result.reason).toContain('name "(current US$)"');
    expect(normalize(input(null, { name: 'Inflation, consumer prices (annual %)' })).unit_type).toBe('percentage');
    expect(normalize(input(null, { name: 'Population, total (Bangladesh)' })).unit_type).toBe('unknown');
  });
});

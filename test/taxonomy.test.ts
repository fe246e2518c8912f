import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Indicator } from '../src/domain/indicator.js';
import { Classification } from '../src/domain/results.js';
import { FAMILY_TYPES, Family, FamilyType, IndicatorType, typeBelongsToFamily } from '../src/domain/taxonomy.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

describe('the taxonomy', () => {
  it('lists the families and types of the standard', () => {
    expect(Family.options).toEqual([
      'physical-fundamental',
      'numeric-measurement',
      'price-value',
      'change-movement',
      'composite-derived',
      'temporal',
      'qualitative',
      'any',
    ]);
    expect(FAMILY_TYPES['price-value']).toEqual(['price', 'yield', 'rate']);
    expect(FAMILY_TYPES['change-movement']).toEqual(['rate', 'volatility', 'gap']);
    expect(IndicatorType.options).toContain('other');
  });

  it('allows rate in exactly two families, with two meanings', () => {
    const families = Family.options.filter((family) => typeBelongsToFamily(family, 'rate'));
    expect(families).toEqual(['price-value', 'change-movement']);
  });

  it('rejects a type outside its family in the schema itself', () => {
    expect(FamilyType.safeParse({ family: 'price-value', type: 'stock' }).success).toBe(false);
    expect(FamilyType.safeParse({ family: 'physical-fundamental', type: 'stock' }).success).toBe(true);
    const good = classifyWithRules(Indicator.parse({ id: 'x', name: 'Government Debt', units: 'USD Million' }));
    const bad = { ...good, type: { ...good.type, type: 'price' } };
    const parsed = Classification.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/does not belong to family/);
  });
});

const words = [
  'GDP', 'Growth', 'Rate', 'Inflation', 'Unemployment', 'Debt', 'Reserves', 'Index', 'Price', 'Oil',
  'Exports', 'Balance', 'Trade', 'Confidence', 'PMI', 'YoY', 'MoM', 'Spread', 'Yield', 'Probability',
  'Duration', 'Share', 'Ratio', 'per capita', 'Sales', 'Claims', 'Volatility', 'Gap', 'YTD', 'Outlook',
];
const unitStrings = [
  '%', 'USD Million', 'points', 'Index, 2010=100', 'EUR/MWh', 'per 1000 people', 'Terajoule', 'weeks',
  'National currency', 'ratio', 'bps', 'XAF', '', 'thousands of persons', 'USD Hundred Million',
];
const periodicities = ['Monthly', 'Quarterly', 'Yearly', 'Weekly', 'Daily', 'Biannually', null];

const indicatorArbitrary = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
  name: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
  units: fc.option(fc.oneof(fc.constantFrom(...unitStrings), fc.string({ maxLength: 20 }))),
  periodicity: fc.constantFrom(...periodicities),
  sample_values: fc.array(
    fc.record({
      date: fc.oneof(
        fc.integer({ min: 1990, max: 2030 }).map(String),
        fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 12 })).map(
          ([y, m]) => `${y}-${String(m).padStart(2, '0')}`,
        ),
        fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${y}-Q${q}`),
        fc.constant('last10YearsAvg'),
      ),
      value: fc.oneof(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constant(0)),
    }),
    { maxLength: 40 },
  ),
});

describe('every classification', () => {
  it('has a type within its family, for any indicator', () => {
    fc.assert(
      fc.property(indicatorArbitrary, (row) => {
        const classification = classifyWithRules(Indicator.parse(row));
        expect(typeBelongsToFamily(classification.family.family, classification.type.type)).toBe(true);
        expect(Classification.safeParse(classification).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

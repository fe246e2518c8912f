import { describe, expect, it } from 'vitest';
import { Indicator } from '../src/domain/indicator.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../src/llm/plan.js';
import { FITTED_ORIENTATION_WEIGHTS } from '../src/stages/classify/confidence-weights.js';
import { ORIENTATION_PRIOR } from '../src/stages/classify/orientation.js';
import { cueConfidence } from '../src/stages/cue-model.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

const rules = (name: string, units: string | null, extra: Record<string, unknown> = {}) =>
  classifyWithRules(Indicator.parse({ id: 'x', name, units, periodicity: 'Yearly', ...extra }));

/** Issue 12, point 1: the confidence follows the evidence, and drops when the cues pull apart. */
describe('confidence from evidence', () => {
  it('a flow whose units make it a ratio (% of GDP, per capita) is less sure than the same flow as an amount', () => {
    const amount = rules('Government Revenues', 'USD Million');
    for (const [name, units] of [
      ['Government Revenues', '% of GDP'],
      ['Government Revenues', 'USD per capita'],
    ] as const) {
      const ratio = rules(name, units);
      expect(ratio.type.confidence, `${name} (${units})`).toBeLessThan(amount.type.confidence);
      expect(ratio.type.reason).toMatch(/but the units make/);
    }
  });

  it('an amount measured as an index is less sure than the amount itself', () => {
    expect(rules('Services Revenues Index', 'points').type.confidence).toBeLessThan(rules('Services Revenues', 'USD Million').type.confidence);
  });

  it('units alone decide with less confidence than a concept in the name; nothing readable is least sure', () => {
    const named = rules('Exports', 'USD Million').family.confidence;
    const unitsOnly = rules('Zyxw Qrst', 'USD Million').family.confidence;
    const nothing = rules('Zyxw Qrst', null).family.confidence;
    expect(unitsOnly).toBeLessThan(named);
    expect(nothing).toBeLessThan(unitsOnly);
    expect(unitsOnly).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD); // the LLM is asked
  });

  it('a catch-all lexicon match counts less than a specific one', () => {
    expect(rules('Economic Barometer', 'points').family.confidence).toBeLessThan(rules('Services PMI', 'points').family.confidence);
    expect(rules('Economic Barometer', 'points').family.confidence).toBeLessThan(rules('Manufacturing PMI', 'points').family.confidence);
  });

  it('a second reading of the name that lands elsewhere lowers the confidence, and the reason says so', () => {
    const plain = rules('Stock Market Index', 'points');
    const torn = rules('Stock Market Trading Volume', 'millions of shares');
    expect(torn.type.confidence).toBeLessThan(plain.type.confidence);
    expect(torn.type.reason).toMatch(/also reads as/);
  });

  it('a "%" read as a growth rate without a change word is less sure than one the name calls a change', () => {
    expect(rules('Industrial Production', '%').type.confidence).toBeLessThan(rules('Industrial Production YoY', '%').type.confidence);
  });

  it('orientation: a name with words of two readings is less sure than one with a single reading', () => {
    const single = rules('Unemployed Persons', 'Thousand').orientation;
    const mixed = rules('Unemployment Insurance Reserves', 'USD Million').orientation;
    expect(single.orientation).toBe('lower-is-positive');
    expect(mixed.reason).toMatch(/; but it also reads as /);
    // The fit decides how much the second reading costs (on 2,512 labeled rows, little); it never adds.
    expect(FITTED_ORIENTATION_WEIGHTS.mixedWords).toBeLessThanOrEqual(0);
    expect(mixed.confidence).toBeLessThanOrEqual(single.confidence);
    expect(cueConfidence(['word', 'mixedWords'], ORIENTATION_PRIOR)).toBeLessThan(cueConfidence(['word'], ORIENTATION_PRIOR));
  });

  it('orientation: the fitted model weighs what decided; a word or a telling concept is surer than a weak concept or nothing', () => {
    const word = rules('Unemployed Persons', 'Thousand').orientation;
    const nothing = rules('Zyxw Qrst', null).orientation;
    expect(nothing.reason).toBe('no evidence either way');
    expect(nothing.confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(nothing.confidence).toBeLessThan(word.confidence);
  });

  it('time: a confirmed periodicity with a change word is sure; the basis guessed with nothing to read is not', () => {
    const months = Array.from({ length: 12 }, (_, i) => ({ date: `2024-${String(i + 1).padStart(2, '0')}`, value: i }));
    const change = rules('Retail Sales YoY', '%', { periodicity: 'Monthly', sample_values: months }).time;
    const guess = rules('Zyxw Qrst', null, { periodicity: 'Monthly', sample_values: months }).time;
    const unknown = rules('Zyxw Qrst', null, { periodicity: null }).time;
    expect(change.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(guess.confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(unknown.confidence).toBeLessThan(guess.confidence);
  });

  it('no constant per path: the same path (a concept in the name) spans several confidences', () => {
    const confidences = new Set(
      [
        ['Exports', 'USD Million'],
        ['Exports', '% of GDP'],
        ['Exports Index', 'points'],
        ['Exports', '%'],
        ['Exports', null],
      ].map(([name, units]) => rules(name ?? '', units ?? null).family.confidence),
    );
    expect(confidences.size).toBeGreaterThanOrEqual(4);
  });

  it('a reading of the time basis that contradicts the decided aggregation lowers the confidence', () => {
    // The lexicon reads "credit" as a stock (a level); the time stage reads "repayments" as an amount over the period.
    const torn = rules('Consumer Credit Repayments', 'USD Million');
    const plain = rules('Consumer Credit', 'USD Million');
    expect(torn.type.reason).toMatch(/time stage reads the name as per-period/);
    expect(torn.type.confidence).toBeLessThan(plain.type.confidence);
  });

  it('money over a period is a flow, production counted in physical units a volume; a volume in money is the money\'s flow', () => {
    expect(rules('Electricity Production', 'USD Million').type.type).toBe('flow');
    expect(rules('Electricity Production', 'Gigawatt-hour').type.type).toBe('volume');
    expect(rules('Car Production', 'Units').type.type).toBe('volume');
    expect(rules('Freight Volume', 'Tonnes').type.type).toBe('volume');
    expect(rules('Oil Exports', 'SAR Million').type.type).toBe('flow');
    expect(rules('Stocks traded, total value', 'current US$').type.type).toBe('flow');
  });

  it('an average the catalog or the description names decides period-average; a bare "average" in the description only doubts', () => {
    const monthly = Array.from({ length: 12 }, (_, i) => ({ date: `2024-${String(i + 1).padStart(2, '0')}`, value: 8000 + i }));
    const plain = rules('Copper', 'USD/mt', { periodicity: 'Monthly', sample_values: monthly });
    expect(plain.type.temporal_aggregation).toBe('point-in-time');
    const described = rules('Copper', 'USD/mt', { periodicity: 'Monthly', sample_values: monthly, description: 'LME grade A, monthly average' });
    const method = rules('Copper', 'USD/mt', { periodicity: 'Monthly', sample_values: monthly, aggregation_method: 'Average' });
    expect(described.type.temporal_aggregation).toBe('period-average');
    expect(method.type.temporal_aggregation).toBe('period-average');
    const loose = rules('Copper', 'USD/mt', { periodicity: 'Monthly', sample_values: monthly, description: 'the average of the bid and the offer' });
    expect(loose.type.temporal_aggregation).toBe('point-in-time');
    expect(loose.type.reason).toMatch(/an average is named without saying over what/);
    expect(loose.type.confidence).toBeLessThan(plain.type.confidence);
  });

  it('a concept the standard reads two ways is less sure, and the reason names the other reading', () => {
    const confidence = rules('Business Confidence', 'points');
    const pmi = rules('Manufacturing PMI', 'points');
    // A confidence index is read as a level, a PMI as a diffusion index built from the period.
    expect(confidence.type.temporal_aggregation).toBe('point-in-time');
    expect(pmi.type.temporal_aggregation).toBe('period-average');
    expect(confidence.type.reason).toMatch(/index levels as point-in-time/);
    expect(confidence.type.confidence).toBeLessThan(pmi.type.confidence);
  });

  it('a type whose aggregation the standard does not name is less sure than one it names', () => {
    const spread = rules('10Y Bond Spread', 'bps', { periodicity: 'Daily' });
    expect(spread.type.type).toBe('spread');
    expect(spread.type.temporal_aggregation).toBe('point-in-time');
    expect(spread.type.reason).toMatch(/standard names no temporal aggregation for a spread/);
    expect(spread.type.confidence).toBeLessThan(rules('Government Bond 10Y', '%', { periodicity: 'Daily' }).type.confidence);
  });

  it('values that accumulate under a name that does not say so decide with a doubt', () => {
    // A seasonal flow: rises through the year, falls back each January.
    const values = ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'].map((date, i) => ({ date, value: [10, 25, 45, 60][i % 4] ?? 0 }));
    const seasonal = rules('Tourism Revenues', 'USD Million', { periodicity: 'Quarterly', sample_values: values });
    expect(seasonal.type.temporal_aggregation).toBe('period-cumulative');
    expect(seasonal.type.reason).toMatch(/the name and the values disagree on accumulation/);
    expect(seasonal.type.confidence).toBeLessThan(rules('Tourism Revenues YTD', 'USD Million', { periodicity: 'Quarterly', sample_values: values }).type.confidence);
  });
});

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizedName, normalizedUnits, signature, type SignatureInput } from '../src/llm/signature.js';
import type { LlmStage } from '../src/llm/stages/schemas.js';
import { normalize } from '../src/stages/normalize/index.js';
import { classify, indicator } from './db-helpers.js';

/** The built module (npm test builds first, as for db-embedded.test.ts): a plain node process loads it. */
const BUILT = join(import.meta.dirname, '..', 'dist/llm/signature.js');

/** The signature of a catalog row, through the real normalize and time stages (as the workflow will). */
function sig(overrides: Parameters<typeof indicator>[1] = {}, stage: LlmStage = 'family'): string {
  const item = indicator('sig', overrides);
  const c = classify(item);
  return signature({ name: item.name, units: item.units, normalization: c.normalization, time: c.time }, stage).hash;
}

describe('signature', () => {
  it('is shared by one concept in two countries', () => {
    expect(sig({ name: 'GDP Growth Rate', country: 'Albania' })).toBe(sig({ name: 'GDP Growth Rate', country: 'Aruba' }));
    expect(sig({ name: 'Balance of Trade', country: 'Aruba', units: 'USD Million' })).toBe(
      sig({ name: 'Balance of Trade', country: 'Albania', units: 'USD Million' }),
    );
    // Country names and codes inside the name are removed too.
    expect(sig({ name: 'GDP Growth Rate (Albania)' })).toBe(sig({ name: 'GDP Growth Rate (Aruba)' }));
    expect(sig({ name: 'Albania GDP Growth Rate' })).toBe(sig({ name: 'GDP Growth Rate' }));
    expect(sig({ name: 'GDP Growth Rate (AL)' })).toBe(sig({ name: 'GDP Growth Rate' }));
  });

  it('differs when a word changes the meaning', () => {
    expect(sig({ name: 'GDP Growth Rate' })).not.toBe(sig({ name: 'GDP Growth Rate YoY' }));
    expect(sig({ name: 'Unemployment Rate' })).not.toBe(sig({ name: 'Youth Unemployment Rate' }));
    expect(sig({ name: 'Inflation Rate' })).not.toBe(sig({ name: 'Core Inflation Rate' }));
    expect(sig({ name: 'GDP' })).not.toBe(sig({ name: 'GDP per capita' }));
    expect(sig({ name: 'Government Bond 10Y' })).not.toBe(sig({ name: 'Government Bond 2Y' }));
  });

  it('differs by unit type, frequency and stage', () => {
    expect(sig({ name: 'Exports', units: '%' })).not.toBe(sig({ name: 'Exports', units: 'USD Million' }));
    expect(sig({ periodicity: 'Monthly' })).not.toBe(sig({ periodicity: 'Quarterly' }));
    expect(sig({}, 'family')).not.toBe(sig({}, 'orientation'));
  });

  it('is shared by one amount in two currencies (money or not, not which)', () => {
    const eur = indicator('eur', { name: 'Exports', units: 'EUR Million', country: 'Euro Area' });
    const usd = indicator('usd', { name: 'Exports', units: 'USD Million', country: 'United States' });
    expect(normalize(eur).currency).toBe('EUR');
    expect(normalize(usd).currency).toBe('USD');
    expect(sig({ name: 'Exports', units: 'EUR Million', country: 'Euro Area' })).toBe(
      sig({ name: 'Exports', units: 'USD Million', country: 'United States' }),
    );
  });

  it('normalizes names: folded, countries out, meaning words kept', () => {
    expect(normalizedName('Lending interest rate (%) (Zambia)')).toBe('lending interest rate percent');
    expect(normalizedName('GDP per capita (current US$)')).toBe('gdp per capita current us$');
    expect(normalizedName('Retail Sales Y/Y')).toBe('retail sales yoy');
    expect(normalizedName('Exports to the United States')).toBe(normalizedName('Exports to China'));
    expect(normalizedName("Côte d'Ivoire Exports")).toBe('exports');
    expect(normalizedName('Papua New Guinea GDP')).toBe('gdp');
    expect(normalizedName('Real GDP, SA')).toBe('real gdp sa'); // SA is seasonally adjusted, not Saudi Arabia
    expect(normalizedName('Total reserves in months of imports (Bosnia and Herzegovina)')).toBe('total reserves in months of imports');
  });

  it('keeps "%" and "% of GDP" apart, and USD and EUR amounts together', () => {
    expect(normalizedUnits('%')).toBe('percent');
    expect(normalizedUnits('% of GDP')).toBe('percent gdp');
    expect(normalizedUnits('per cent')).toBe('percent');
    for (const money of ['USD Million', 'EUR mn', 'Current LCU', 'billions of national currency', 'CFA Franc BCEAO']) expect(normalizedUnits(money)).toBe('');
    expect(normalizedUnits('USD/Liter')).toBe('liter');
    expect(normalizedUnits(null)).toBe('');
  });

  it('is the same hash in another process', () => {
    const input: SignatureInput = {
      name: 'GDP Growth Rate YoY (Albania)',
      units: '%',
      normalization: { unit_type: 'percentage', scale: 'ones', currency: null, per_unit: null },
      time: { reporting_frequency: 'quarterly' },
    };
    const here = signature(input, 'type');
    const script = `const { signature } = await import(${JSON.stringify(BUILT)});
      process.stdout.write(JSON.stringify(signature(${JSON.stringify(input)}, 'type')));`;
    const there = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(there)).toEqual(here);
    expect(here.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(here.text).toBe('sig-v3|stage=type|name=gdp growth rate yoy|unit=percentage|units=percent|scale=ones|money=no|per=no|freq=quarterly|family=none');
  });
});

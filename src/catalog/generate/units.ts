/** Writing a concept's units for one country, and the scale that the values are expressed in. */
import { code as isoCurrency } from 'currency-codes';
import type { Country } from './countries.js';
import type { Rng } from './random.js';
import type { UnitVariant } from './types.js';

export interface RenderedUnits {
  text: string;
  /** What one unit of the values is worth in base units (1e6 for "USD Million"). */
  scale: number;
  /** The ISO code when the values are amounts of money. */
  currency: string | null;
}

const SCALE_WORDS: ReadonlyMap<number, string> = new Map([
  [1, 'Units'],
  [1e3, 'Thousand'],
  [1e6, 'Million'],
  [1e8, 'Hundred Million'],
  [1e9, 'Billion'],
]);

export function scaleWord(scale: number): string {
  return SCALE_WORDS.get(scale) ?? String(scale);
}

/**
 * Chooses the scale a publisher would use for a typical value: billions for big economies,
 * thousands for small flows; Chinese series are often in hundreds of millions.
 */
export function chooseScale(rng: Rng, typical: number, country: Country | null): number {
  const size = Math.abs(typical);
  if (country?.iso3 === 'CHN' && size >= 1e10 && rng.chance(0.5)) return 1e8;
  if (size >= 1e11) return 1e9;
  if (size >= 1e5) return 1e6;
  return 1e3;
}

export function renderUnits(variant: UnitVariant, country: Country | null, scale: number): RenderedUnits {
  const currencyCode = variant.money === 'usd' ? 'USD' : (country?.currency ?? 'USD');
  const text = variant.text
    .replaceAll('{CUR}', currencyCode)
    .replaceAll('{CURNAME}', isoCurrency(currencyCode)?.currency ?? currencyCode)
    .replaceAll('{SCALE}', scaleWord(scale));
  return { text, scale, currency: variant.money === undefined ? null : currencyCode };
}

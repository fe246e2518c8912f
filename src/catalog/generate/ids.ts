/** Ids in the styles real catalogs use: Trading Economics mnemonics, World Bank and IMF codes, snake_case keys. */
import type { Country } from './countries.js';
import type { Rng } from './random.js';
import type { Concept, Frequency } from './types.js';

const FREQUENCY_LETTER: Readonly<Record<Frequency, string>> = {
  daily: 'D',
  weekly: 'W',
  monthly: 'M',
  quarterly: 'Q',
  semiannual: 'S',
  annual: 'A',
};

/** Trading Economics truncates country names: "UNITEDSTA", "AFGHANISTA", "NEWZEALAN". */
export function tePrefix(countryName: string): string {
  const letters = countryName.toUpperCase().replace(/[^A-Z]/g, '');
  return letters.slice(0, countryName.includes(' ') ? 9 : 10);
}

/** "GDP from Manufacturing" → "GDPFROMAN": three letters a word. */
export function teMnemonic(name: string): string {
  return words(name)
    .map((word) => word.slice(0, 3))
    .join('')
    .toUpperCase()
    .slice(0, 12);
}

/** "Import Prices MoM" → "IPM": initials, acronyms kept whole ("CPI Trimmed-Mean" → "CPITM"). */
export function teInitials(name: string): string {
  return words(name)
    .map((word) => (/^[A-Z]{2,4}$/.test(word) ? word : word.charAt(0)))
    .join('')
    .toUpperCase()
    .slice(0, 7);
}

function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

export function conceptId(rng: Rng, concept: Concept, country: Country | null, frequency: Frequency): string {
  if (concept.house === 'te' && country) {
    return rng.chance(0.75)
      ? `${tePrefix(country.name)}${teMnemonic(concept.name)}`
      : `${country.iso3}${teInitials(concept.name)}`;
  }
  const template = concept.code ?? (country ? `${concept.key}_{iso}` : concept.key);
  return template
    .replaceAll('{ISO}', country?.iso3 ?? 'WLD')
    .replaceAll('{iso}', (country?.iso3 ?? 'wld').toLowerCase())
    .replaceAll('{CUR}', country?.currency ?? 'USD')
    .replaceAll('{F}', FREQUENCY_LETTER[frequency]);
}

/** Makes an id unique in the catalog: a repeated one gets "_2", "_3", … */
export function uniqueId(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n++) candidate = `${id}_${n}`;
  taken.add(candidate);
  return candidate;
}

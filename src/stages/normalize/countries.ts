/**
 * A country name → its currency, for "National currency" / "local currency" / "LCU". The country
 * data is ISO 4217's (via currency-codes); only spelling variants and currency areas are added here.
 */
import { data as isoCurrencies } from 'currency-codes';
import { foldText } from './text.js';

/** Common names (folded, as `countryKey` makes them) → the ISO 4217 country name's key. */
const COUNTRY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['united states', 'united states of america'],
  ['usa', 'united states of america'],
  ['us', 'united states of america'],
  ['america', 'united states of america'],
  // Currency areas: ISO lists the European Union among the euro's users.
  ['euro area', 'european union'],
  ['eurozone', 'european union'],
  ['euro zone', 'european union'],
  ['euro area 19', 'european union'],
  ['euro area 20', 'european union'],
  ['united kingdom', 'united kingdom of great britain and northern ireland'],
  ['uk', 'united kingdom of great britain and northern ireland'],
  ['great britain', 'united kingdom of great britain and northern ireland'],
  ['britain', 'united kingdom of great britain and northern ireland'],
  ['england', 'united kingdom of great britain and northern ireland'],
  ['turkey', 'turkiye'],
  ['south korea', 'korea republic of'],
  ['korea', 'korea republic of'],
  ['korea rep', 'korea republic of'],
  ['republic of korea', 'korea republic of'],
  ['north korea', 'korea democratic peoples republic of'],
  ['korea dem peoples rep', 'korea democratic peoples republic of'],
  ['korea dpr', 'korea democratic peoples republic of'],
  ['russia', 'russian federation'],
  ['vietnam', 'viet nam'],
  ['laos', 'lao peoples democratic republic'],
  ['lao pdr', 'lao peoples democratic republic'],
  ['syria', 'syrian arab republic'],
  ['czech republic', 'czechia'],
  ['ivory coast', 'cote divoire'],
  ['cape verde', 'cabo verde'],
  ['swaziland', 'eswatini'],
  ['macau', 'macao'],
  ['macedonia', 'north macedonia'],
  ['dr congo', 'congo democratic republic of'],
  ['democratic republic of congo', 'congo democratic republic of'],
  ['democratic republic of the congo', 'congo democratic republic of'],
  ['congo dem rep', 'congo democratic republic of'],
  ['republic of congo', 'congo'],
  ['republic of the congo', 'congo'],
  ['congo rep', 'congo'],
  ['kyrgyz republic', 'kyrgyzstan'],
  ['slovak republic', 'slovakia'],
  ['burma', 'myanmar'],
  ['east timor', 'timor leste'],
  ['brunei', 'brunei darussalam'],
  ['hong kong sar', 'hong kong'],
  ['hong kong sar china', 'hong kong'],
  ['macao sar china', 'macao'],
]);

/**
 * Where ISO lists several codes for one country (funds and units of account beside the currency,
 * or a dollarized economy whose statistics are kept in USD), the one national accounts use.
 * Other multi-code countries (Lesotho: LSL and ZAR) resolve to their own, least-shared code.
 */
const PREFERRED: ReadonlyMap<string, string> = new Map([
  ['united states of america', 'USD'],
  ['bolivia plurinational state of', 'BOB'],
  ['switzerland', 'CHF'],
  ['chile', 'CLP'],
  ['colombia', 'COP'],
  ['cuba', 'CUP'],
  ['mexico', 'MXN'],
  ['uruguay', 'UYU'],
  ['venezuela bolivarian republic of', 'VES'],
  ['el salvador', 'USD'],
  ['panama', 'USD'],
]);

/** True for a code chosen above over another code of the same country (VES over VED). */
export function isPreferredCode(code: string): boolean {
  return [...PREFERRED.values()].includes(code);
}

/** "Korea (The Republic Of)" → "korea republic of"; "Côte D'ivoire" → "cote divoire". */
export function countryKey(name: string): string {
  return foldText(name)
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bthe\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The short form: "Bolivia (Plurinational State Of)" → "bolivia"; "Egypt, Arab Rep." → "egypt". */
function looseKey(name: string): string {
  return countryKey(name.replace(/\([^)]*\)/g, ' ').split(',')[0] ?? '');
}

interface CountryIndex {
  /** Exact key → the codes ISO lists for it. */
  exact: Map<string, string[]>;
  /** Short key → the exact keys it may stand for. */
  loose: Map<string, Set<string>>;
}

function buildIndex(): CountryIndex {
  const index: CountryIndex = { exact: new Map(), loose: new Map() };
  for (const record of isoCurrencies) {
    for (const country of record.countries) {
      const key = countryKey(country);
      index.exact.set(key, [...(index.exact.get(key) ?? []), record.code]);
      const short = looseKey(country);
      index.loose.set(short, (index.loose.get(short) ?? new Set<string>()).add(key));
    }
  }
  return index;
}

const INDEX = buildIndex();
const SHARED_BY = new Map(isoCurrencies.map((record) => [record.code, record.countries.length]));

/** One currency for an ISO country key: the preferred one, else the least shared. */
function currencyOfKey(key: string): string | null {
  const preferred = PREFERRED.get(key);
  if (preferred !== undefined) return preferred;
  const codes = INDEX.exact.get(key) ?? [];
  const ranked = [...codes].sort((a, b) => (SHARED_BY.get(a) ?? 0) - (SHARED_BY.get(b) ?? 0));
  return ranked[0] ?? null;
}

/** The ISO key a country name stands for, or null when unknown or ambiguous ("Korea" alone is aliased). */
function resolveKey(name: string): string | null {
  const key = countryKey(name);
  const alias = COUNTRY_ALIASES.get(key);
  if (alias !== undefined) return alias;
  if (INDEX.exact.has(key)) return key;
  const short = looseKey(name);
  const shortAlias = COUNTRY_ALIASES.get(short);
  if (shortAlias !== undefined) return shortAlias;
  if (INDEX.exact.has(short)) return short;
  const candidates = INDEX.loose.get(short);
  return candidates?.size === 1 ? ([...candidates][0] ?? null) : null;
}

/** The ISO 4217 code of a country's currency ("Japan" → JPY, "Euro Area" → EUR), or null. */
export function currencyOfCountry(name: string): string | null {
  const key = resolveKey(name);
  return key === null ? null : currencyOfKey(key);
}

/** Every alias and preference resolves to a country and code ISO knows: for the tests. */
export function unresolvedCountryTables(): string[] {
  const aliasGaps = [...COUNTRY_ALIASES.values()].filter((key) => !INDEX.exact.has(key));
  const preferenceGaps = [...PREFERRED].filter(([key, code]) => !(INDEX.exact.get(key) ?? []).includes(code));
  return [...aliasGaps, ...preferenceGaps.map(([key]) => key)];
}

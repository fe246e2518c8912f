/**
 * The dedup signature of an LLM question: indicators with the same signature get the same answer
 * (one request, cached across runs in llm_cache). It holds exactly what the answer may depend on,
 * so that two series of the same concept share and two different meanings never do:
 *
 * - the normalized name: folded (case, accents, punctuation, whitespace) so spelling noise does not
 *   split a concept, with country names (ISO 4217's country list, the normalizer's source, plus
 *   common short names) and bare ISO country codes removed, because the taxonomy answer for
 *   "Balance of Trade" is the same for Aruba and Albania. Every other word is kept, since
 *   "YoY", "MoM", "%", "per capita", "real", "core", "10Y" or "Youth" change the meaning;
 * - the unit type: a "%" series and an amount of money are different numbers;
 * - the units as written, folded, with currency codes and country names removed: "%" (a growth rate)
 *   and "% of GDP" (a ratio) have the same unit type but not the same meaning, while "USD Million" and
 *   "EUR Million" do;
 * - the scale: "USD Million" and "USD" may describe different aggregates (a level vs per head);
 * - whether it is money, not which currency: "Exports" in EUR and in USD are the same concept;
 * - whether the unit is per something ("USD/barrel" is a price, "USD" an amount), not per what;
 * - the reporting frequency: monthly and quarterly flows aggregate differently;
 * - the stage: each LLM stage asks a different question;
 * - for the type stage, the family it must fit (the model is told it, and the answer depends on it);
 * - SIGNATURE_VERSION: changing any rule here changes every hash, so old cache rows are not
 *   matched under a new meaning of "same".
 */
import { createHash } from 'node:crypto';
import { data as isoCurrencies } from 'currency-codes';
import type { NormalizationResult, TimeInferenceResult } from '../domain/results.js';
import type { Family } from '../domain/taxonomy.js';
import { countryKey } from '../stages/normalize/countries.js';
import { foldText } from '../stages/normalize/text.js';
import type { LlmStage } from './stages/schemas.js';


/** Bump when a rule below changes: every signature changes with it. */
export const SIGNATURE_VERSION = 'sig-v3';

export interface SignatureInput {
  readonly name: string;
  /** The catalog's units text (null when absent). */
  readonly units: string | null;
  readonly normalization: Pick<NormalizationResult, 'unit_type' | 'scale' | 'currency' | 'per_unit'>;
  readonly time: Pick<TimeInferenceResult, 'reporting_frequency'>;
  /** Type stage only: the family the answer must belong to. */
  readonly family?: Family | undefined;
}

export interface Signature {
  /** Readable: `sig-v2|stage=…|name=…|unit=…|…` (for logs and for finding out why two shared). */
  readonly text: string;
  /** sha256 hex of `text`: the cache key. */
  readonly hash: string;
}

export function signature(input: SignatureInput, stage: LlmStage): Signature {
  const n = input.normalization;
  const parts = [
    SIGNATURE_VERSION,
    `stage=${stage}`,
    `name=${normalizedName(input.name)}`,
    `unit=${n.unit_type}`,
    `units=${normalizedUnits(input.units)}`,
    `scale=${n.scale}`,
    `money=${n.currency === null ? 'no' : 'yes'}`,
    `per=${n.per_unit === null ? 'no' : 'yes'}`,
    `freq=${input.time.reporting_frequency}`,
  ];
  if (stage === 'type') parts.push(`family=${input.family ?? 'none'}`);
  const text = parts.join('|');
  return { text, hash: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/**
 * Words of a units text that only say which currency or which scale: both are already in the
 * signature (money yes/no, scale), so they must not split a concept ("USD Million", "EUR mn",
 * "Current LCU", "billions of national currency" all fold to "").
 */
const MONEY_AND_SCALE_WORDS = new Set([
  ...isoCurrencies.map((record) => record.code.toLowerCase()),
  ...isoCurrencies.flatMap((record) => foldText(record.currency).split(/[^a-z0-9]+/)),
  'current', 'constant', 'lcu', 'national', 'local', 'domestic', 'currency', 'us$', '$', '€', '£', '¥', 'euro', 'euros',
  'dollar', 'dollars', 'of', 'hundred', 'thousand', 'thousands', 'million', 'millions', 'billion', 'billions',
  'trillion', 'trillions', 'mn', 'mln', 'bn', 'k', 'm', 'b', '1k', '1million',
]);

/**
 * "%" and "per cent" → "percent"; "% of GDP" → "percent gdp"; "USD Million" and "EUR mn" → ""; absent → "".
 * (`of` goes too: "percent of gdp" and "percent gdp" mean the same; it is dropped wherever it stands.)
 */
export function normalizedUnits(units: string | null): string {
  if (units === null) return '';
  return normalizedName(units)
    .replace(/\bper cent\b/g, 'percent')
    .split(' ')
    .filter((word) => word !== '' && !MONEY_AND_SCALE_WORDS.has(word))
    .join(' ');
}

/** Common names ISO 4217 spells otherwise (folded); its own names and short forms come from the data. */
const COUNTRY_ALIASES = [
  'us', 'usa', 'united states', 'uk', 'britain', 'great britain', 'england', 'euro area', 'euro area 19',
  'euro area 20', 'eurozone', 'euro zone', 'turkey', 'south korea', 'north korea', 'korea rep', 'russia',
  'vietnam', 'laos', 'lao pdr', 'syria', 'czech republic', 'ivory coast', 'cape verde', 'swaziland', 'macau',
  'macedonia', 'dr congo', 'democratic republic of congo', 'congo dem rep', 'republic of congo', 'congo rep',
  'kyrgyz republic', 'slovak republic', 'burma', 'east timor', 'brunei', 'hong kong sar', 'hong kong sar china',
  'macao sar china', 'kosovo', 'egypt arab rep', 'iran islamic rep', 'venezuela rb', 'yemen rep',
];

/** ISO 4217 "countries" that are not countries (funds, metals, test codes). */
const NOT_A_COUNTRY = /^zz\d|monetary fund|sistema unitario|member countries/;

/** Every country phrase, folded, as space-joined words; longest first is handled by the matcher. */
function countryPhrases(): Set<string> {
  const phrases = new Set(COUNTRY_ALIASES);
  for (const record of isoCurrencies) {
    for (const country of record.countries) {
      const key = countryKey(country);
      if (NOT_A_COUNTRY.test(key)) continue;
      phrases.add(key);
      // The short form: "Bolivia (Plurinational State Of)" → "bolivia"; "Tanzania, United Republic Of" → "tanzania".
      phrases.add(countryKey(country.replace(/\([^)]*\)/g, ' ').split(',')[0] ?? ''));
    }
  }
  phrases.delete('');
  return phrases;
}

const PHRASES = countryPhrases();
const LONGEST = Math.max(...[...PHRASES].map((phrase) => phrase.split(' ').length));

/**
 * ISO 3166 alpha-2 codes, read off national ISO 4217 codes (ALL → AL, AWG → AW; X… codes are not
 * national). Only a segment that is nothing but such a code, in capitals, is removed ("Exports (AL)",
 * "AL: Exports"): as words, two letters collide with units and abbreviations ("MT", "KG", "IT").
 * SA (seasonally adjusted) and NA (not available) are kept for the same reason.
 */
const ISO_ALPHA2 = new Set(
  isoCurrencies.filter((record) => !record.code.startsWith('X') && record.countries.length > 0).map((record) => record.code.slice(0, 2)),
);
const KEEP_CODES = new Set(['SA', 'NA']);

/** Words that never change a meaning and only split signatures. */
const DROPPED_WORDS = new Set(['the']);

/**
 * "GDP Growth Rate (Albania)" → "gdp growth rate"; "Lending interest rate (%)" → "lending interest
 * rate percent"; "Government Bond 10Y" → "government bond 10y"; "Retail Sales Y/Y" → "retail sales yoy".
 */
export function normalizedName(name: string): string {
  const withoutCodes = name
    .split(/([(),:;–—]|\s-\s)/)
    .filter((segment) => {
      const code = segment.trim();
      return !(ISO_ALPHA2.has(code) && !KEEP_CODES.has(code));
    })
    .join(' ');
  const text = foldText(withoutCodes)
    .replace(/['’]/g, '') // as countryKey does: "Côte d'Ivoire" → "cote divoire"
    .replace(/\by\s*\/\s*y\b/g, ' yoy ')
    .replace(/\bm\s*\/\s*m\b/g, ' mom ')
    .replace(/\bq\s*\/\s*q\b/g, ' qoq ')
    .replace(/%/g, ' percent ')
    .replace(/&/g, ' and ');
  // Currency symbols stay attached ("us$" is money, not the United States).
  const words = text.split(/[^a-z0-9$€£¥]+/).filter((word) => word !== '' && !DROPPED_WORDS.has(word));
  return withoutCountries(words).join(' ');
}

/** The words without any country phrase, longest phrase first at each position. */
function withoutCountries(words: readonly string[]): string[] {
  const kept: string[] = [];
  let i = 0;
  while (i < words.length) {
    let matched = 0;
    for (let length = Math.min(LONGEST, words.length - i); length > 0; length--) {
      if (PHRASES.has(words.slice(i, i + length).join(' '))) {
        matched = length;
        break;
      }
    }
    if (matched > 0) {
      i += matched;
    } else {
      kept.push(words[i] ?? '');
      i++;
    }
  }
  return kept;
}

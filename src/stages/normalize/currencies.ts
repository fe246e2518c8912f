/**
 * Currencies in a units string: ISO 4217 codes (from the currency-codes package, never a list typed
 * here), the package's currency names ("Turkish Lira"), symbols ("US$"), a few everyday words
 * ("dollars", "yen") and "national/local currency, LCU", which means the country's currency.
 */
import { code as isoRecord, data as isoCurrencies } from 'currency-codes';
import { currencyOfCountry, isPreferredCode } from './countries.js';
import { foldText, tokens, wholeWords, withoutParentheses } from './text.js';

export interface CurrencyMatch {
  /** ISO 4217 code; null for "national currency" when the country is unknown. */
  code: string | null;
  /** The words that named it, as written in the units. */
  label: string;
  how: 'code' | 'symbol' | 'name' | 'word' | 'local';
  confidence: number;
}

/** "$" and "dollars" name the country's dollar where it has one (Canada: CAD), else USD. */
const DOLLAR = 'dollar';
type Target = string; // an ISO code, or DOLLAR

/** Symbols, longest first so "US$" is not read as "$". */
const SYMBOLS: readonly (readonly [string, Target])[] = [
  ['US$', 'USD'],
  ['HK$', 'HKD'],
  ['NZ$', 'NZD'],
  ['A$', 'AUD'],
  ['C$', 'CAD'],
  ['S$', 'SGD'],
  ['R$', 'BRL'],
  ['$', DOLLAR],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['¥', 'JPY'],
];

/** Everyday words the ISO names do not cover (ISO says "Yen", "Yuan Renminbi", "Pound Sterling"). */
const WORDS: readonly (readonly [string, Target])[] = [
  ['us dollars?|dollars?', DOLLAR],
  ['euros?', 'EUR'],
  ['yen', 'JPY'],
  ['(?:pounds? )?sterling|british pounds?', 'GBP'],
  ['yuan|renminbi|rmb', 'CNY'],
  ['rubles?|roubles?', 'RUB'],
  ['lira', 'TRY'],
  ['special drawing rights?|sdrs?', 'XDR'],
];

const LOCAL = wholeWords('(?:national|local|domestic) currenc(?:y|ies)|lcus?');

interface NamePattern {
  code: string;
  pattern: RegExp;
  length: number;
}

/**
 * ISO's own currency names as word patterns, longest first ("Hong Kong Dollar" before "Dollar").
 * Left out: commodity and test entries (ISO marks their "countries" ZZnn_: gold, silver) and
 * names of three letters or fewer ("Won", "Sol", "Yen"), which collide with ordinary words.
 */
function namePatterns(): NamePattern[] {
  // One code a name: the first ISO lists ("US Dollar" over "US Dollar (Next day)"), unless
  // another of the same name is its country's preferred code ("Bolívar Soberano": VES).
  const byName = new Map<string, string>();
  for (const record of isoCurrencies) {
    if (record.countries.every((country) => /^zz\d/i.test(country))) continue;
    const name = foldText(withoutParentheses(record.currency));
    if (name.length <= 3 || (byName.has(name) && !isPreferredCode(record.code))) continue;
    byName.set(name, record.code);
  }
  const patterns = [...byName].map(([name, code]) => {
    const words = name.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // Plural on the last word: "Turkish Liras", "Australian dollars".
    return { code, pattern: wholeWords(`${words.join('\\s+')}(?:s|es)?`), length: name.length };
  });
  return patterns.sort((a, b) => b.length - a.length);
}

const NAMES = namePatterns();

/** True for an ISO 4217 code written as one: three capitals the package knows. */
export function isIsoCode(candidate: string): boolean {
  return /^[A-Z]{3}$/.test(candidate) && isoRecord(candidate) !== undefined;
}

/** The country's dollar (CAD for Canada), else USD. */
function resolveDollar(country: string | null): string {
  const own = country === null ? null : currencyOfCountry(country);
  const ownName = own === null ? '' : (isoRecord(own)?.currency ?? '');
  return own !== null && /dollar/i.test(ownName) ? own : 'USD';
}

function resolve(target: Target, country: string | null): string {
  return target === DOLLAR ? resolveDollar(country) : target;
}

/** "National currency", "local currency", "LCU": the country's currency. */
function findLocal(text: string, country: string | null): CurrencyMatch | null {
  const match = LOCAL.exec(text);
  if (!match) return null;
  const code = country === null ? null : currencyOfCountry(country);
  return { code, label: match[0], how: 'local', confidence: code === null ? 0.6 : 0.9 };
}

/**
 * A code counts only as a standalone upper-case token: "TRY" is lira, "try", "all", "top" and
 * "industry/services" are words. The catalog's currency_code field is read elsewhere.
 */
function findCode(list: readonly string[]): CurrencyMatch | null {
  const token = list.find(isIsoCode);
  return token === undefined ? null : { code: token, label: token, how: 'code', confidence: 0.95 };
}

function findSymbol(list: readonly string[], country: string | null): CurrencyMatch | null {
  for (const token of list) {
    const symbol = SYMBOLS.find(([sign]) => token.toUpperCase() === sign);
    if (symbol) {
      const vague = symbol[1] === DOLLAR;
      return { code: resolve(symbol[1], country), label: token, how: 'symbol', confidence: vague ? 0.75 : 0.9 };
    }
  }
  return null;
}

function findName(text: string): CurrencyMatch | null {
  for (const { code, pattern } of NAMES) {
    const match = pattern.exec(text);
    if (match) return { code, label: match[0], how: 'name', confidence: 0.9 };
  }
  return null;
}

function findWord(text: string, country: string | null): CurrencyMatch | null {
  for (const [source, target] of WORDS) {
    const match = wholeWords(source).exec(text);
    if (match) {
      const vague = target === DOLLAR && !/^us/.test(match[0]);
      return { code: resolve(target, country), label: match[0], how: 'word', confidence: vague ? 0.75 : 0.9 };
    }
  }
  return null;
}

/** The currency a units string (or one side of "X per Y") names, or null. */
export function findCurrency(units: string, country: string | null): CurrencyMatch | null {
  const list = tokens(units);
  const text = foldText(units);
  return (
    findLocal(text, country) ??
    findCode(list) ??
    findSymbol(list, country) ??
    findName(text) ??
    findWord(text, country)
  );
}

/** The catalog's currency_code: an ISO code in any case ("usd"), or a symbol/word ("US$"). */
export function parseCatalogCurrency(raw: string): string | null {
  const text = raw.trim();
  if (isIsoCode(text.toUpperCase())) return text.toUpperCase();
  const match = findCurrency(text, null);
  return match?.how === 'local' ? null : (match?.code ?? null);
}

/** Every code the hand tables above point at is one ISO knows: for the tests. */
export function unknownAliasCodes(): string[] {
  return [...SYMBOLS, ...WORDS].map(([, target]) => target).filter((target) => target !== DOLLAR && !isIsoCode(target));
}

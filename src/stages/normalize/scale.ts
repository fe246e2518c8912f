/**
 * Scale words ("Million", "Bn", "Hundred Million", "1K") and the catalog's scale field, as a
 * factor, and the factor as the taxonomy's scale enum.
 */
import { Scale } from '../../domain/taxonomy.js';
import { tokens } from './text.js';

export const SCALE_FACTORS: Readonly<Record<Scale, number>> = {
  ones: 1,
  hundreds: 1e2,
  thousands: 1e3,
  millions: 1e6,
  billions: 1e9,
  trillions: 1e12,
};

/** Scale words in any case. Abbreviations here are never units of their own. */
const WORD_FACTORS: ReadonlyMap<string, number> = new Map([
  ['ten', 10], // only inside a compound: "ten thousand" (Chinese/Japanese 万)
  ['hundred', 1e2],
  ['hundreds', 1e2],
  ['thousand', 1e3],
  ['thousands', 1e3],
  ['k', 1e3],
  ['thous', 1e3],
  ["'000", 1e3],
  ['000s', 1e3],
  ['lakh', 1e5],
  ['lakhs', 1e5],
  ['million', 1e6],
  ['millions', 1e6],
  ['mn', 1e6],
  ['mln', 1e6],
  ['mio', 1e6],
  ['crore', 1e7],
  ['crores', 1e7],
  ['billion', 1e9],
  ['billions', 1e9],
  ['bn', 1e9],
  ['bln', 1e9],
  ['trillion', 1e12],
  ['trillions', 1e12],
  ['tn', 1e12],
  ['trn', 1e12],
]);

/** Capitals that are a scale only in upper case: "USD M", but "m" is metres. */
const CAPITAL_FACTORS: ReadonlyMap<string, number> = new Map([
  ['M', 1e6],
  ['MM', 1e6],
  ['B', 1e9],
]);

/** The catalog's way of saying "no scale". */
const ONES = new Set(['unit', 'units', 'one', 'ones', 'none']);

export interface ScaleMatch {
  factor: number;
  /** The words that said it, as written: "Hundred Million". */
  words: string;
}

/** The factor of one token: "Million" → 1e6, "1K" → 1e3 (Trading Economics' "BBL/1K"), else null. */
function tokenFactor(token: string): number | null {
  const bare = /^1(\D+)$/.exec(token)?.[1] ?? token;
  return CAPITAL_FACTORS.get(bare) ?? WORD_FACTORS.get(bare.toLowerCase()) ?? null;
}

/** Consecutive scale words multiply: "Hundred Million" = 1e8, "ten thousand" = 1e4. */
function runAt(list: readonly string[], start: number): ScaleMatch | null {
  let factor = 1;
  let end = start;
  for (let f = tokenFactor(list[end] ?? ''); f !== null; f = tokenFactor(list[end] ?? '')) {
    factor *= f;
    end += 1;
  }
  // A lone "ten" ("top ten") is not a scale.
  if (factor < 100) return null;
  return { factor, words: list.slice(start, end).join(' ') };
}

/** The first scale stated in the tokens, or null. */
export function findScale(list: readonly string[]): ScaleMatch | null {
  for (let i = 0; i < list.length; i += 1) {
    const run = runAt(list, i);
    if (run) return run;
  }
  return null;
}

/** True when the text is nothing but a scale ("1K", "1Million"): a "/1K" suffix, not a denominator. */
export function isScaleOnly(text: string): boolean {
  const list = tokens(text);
  const run = findScale(list);
  return run !== null && run.words === list.join(' ');
}

/** The catalog's scale field ("Millions", "Units", "1000") as a factor; null when unreadable. */
export function parseCatalogScale(raw: string): number | null {
  const text = raw.trim();
  if (ONES.has(text.toLowerCase())) return 1;
  if (/^\d+(?:\.\d+)?(?:e\d+)?$/i.test(text)) {
    const value = Number(text);
    return value > 0 ? value : null;
  }
  const list = tokens(text);
  const run = findScale(list);
  return run !== null && run.words === list.join(' ') ? run.factor : null;
}

/** The largest standard scale not above the factor: 1e8 ("Hundred Million") is millions. */
export function scaleOf(factor: number): Scale {
  let best: Scale = 'ones';
  for (const scale of Scale.options) {
    if (SCALE_FACTORS[scale] <= factor) best = scale;
  }
  return best;
}

/** 1e8 → "1e8", 1 → "1": powers of ten read best as exponents. */
export function formatFactor(factor: number): string {
  // Via the digits, not Math.log10, which need not be exact.
  const zeros = /^10(0+)$/.exec(String(factor))?.[1];
  return zeros === undefined ? String(factor) : `1e${zeros.length + 1}`;
}

/**
 * The catalog's free-text periodicity ("Monthly", "Biannually", "A", "half-yearly" …) read as a
 * reporting frequency.
 */
import type { ReportingFrequency } from '../../domain/taxonomy.js';

/** One-letter catalog codes (SDMX / pandas style). "B" is pandas' business-day frequency. */
const CODES: Readonly<Record<string, ReportingFrequency>> = {
  d: 'daily',
  b: 'daily',
  w: 'weekly',
  m: 'monthly',
  q: 'quarterly',
  s: 'semiannual',
  h: 'semiannual',
  a: 'annual',
  y: 'annual',
};

/**
 * Checked in order, first match wins. Order matters: "semi-annual" and "biannual" contain "annual",
 * "monthly average of daily data" is monthly, "quarterly, annualised" is quarterly.
 * "Biannually" in these catalogs means twice a year (semiannual), not every two years.
 */
const PATTERNS: readonly (readonly [RegExp, ReportingFrequency])[] = [
  [/\b(irregular|ad[\s-]?hoc|occasional|biennial\w*|triennial\w*|quinquennial\w*|decennial\w*|every \d+ years)\b/, 'irregular'],
  [/\b(semi[\s-]?annual\w*|bi[\s-]?annual\w*|half[\s-]?year\w*|six[\s-]?month\w*|6[\s-]?month\w*|semester\w*|twice a year)\b/, 'semiannual'],
  [/\b(quarter\w*|three[\s-]?month\w*|3[\s-]?month\w*)\b/, 'quarterly'],
  // Bi-monthly and semi-monthly have no value of their own: monthly is the nearest.
  [/\b((bi|semi)[\s-]?)?month\w*\b/, 'monthly'],
  [/\b(daily|day|days|business[\s-]?day\w*|working[\s-]?day\w*)\b/, 'daily'],
  // Fortnightly / bi-weekly have no value of their own: weekly is the nearest.
  [/\b(week\w*|bi[\s-]?weekly|fortnight\w*)\b/, 'weekly'],
  [/\b(annual\w*|yearly|year|years)\b/, 'annual'],
];

export type DeclaredFrequency =
  | { kind: 'declared'; frequency: ReportingFrequency; text: string }
  | { kind: 'unrecognised'; text: string }
  | { kind: 'absent' };

/** Reads the periodicity text; null, blank and unknown spellings are told apart for the reason. */
export function parsePeriodicity(periodicity: string | null | undefined): DeclaredFrequency {
  const text = periodicity?.trim() ?? '';
  if (text === '') return { kind: 'absent' };
  const lower = text.toLowerCase();
  // Own keys only: a periodicity such as "__proto__" must not reach Object.prototype.
  const code = Object.hasOwn(CODES, lower) ? CODES[lower] : undefined;
  if (code !== undefined) return { kind: 'declared', frequency: code, text };
  for (const [pattern, frequency] of PATTERNS) {
    if (pattern.test(lower)) return { kind: 'declared', frequency, text };
  }
  return { kind: 'unrecognised', text };
}

/** Words in a name, units or description that hint at a frequency when the catalog gives none. */
const NAME_HINTS: readonly (readonly [RegExp, ReportingFrequency])[] = [
  [/\bdaily\b/, 'daily'],
  [/\bweekly\b/, 'weekly'],
  [/\bmonthly\b/, 'monthly'],
  [/\bquarterly\b/, 'quarterly'],
  [/\b(semi-?annual|half-yearly)\b/, 'semiannual'],
  // "annual" but not "annualized": a quarterly rate is often quoted annualized.
  [/\b(annual|yearly)\b/, 'annual'],
];

/** A weak guess from the wording ("Monthly Budget Statement"); only used with no other evidence. */
export function frequencyHintFromText(text: string): ReportingFrequency | null {
  const lower = text.toLowerCase();
  const hit = NAME_HINTS.find(([pattern]) => pattern.test(lower));
  return hit === undefined ? null : hit[1];
}

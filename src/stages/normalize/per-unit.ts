/**
 * "X per Y" and "X/Y" forms: "USD per barrel", "EUR/MWh", "per 1000 people", "BBL/D/1K".
 * A slash segment that is only a scale ("/1K", "/1Million") is Trading Economics' way of writing
 * "in thousands", not a denominator.
 */
import { isScaleOnly } from './scale.js';
import { foldText } from './text.js';

export interface PerSplit {
  /** What is measured: "USD" in "USD per barrel"; "" in "per 1000 people". */
  numerator: string;
  /** The denominators as written, trimmed of trailing qualifiers: ["barrel"], ["D"]. */
  denominators: string[];
  /** Scale-only slash segments: ["1K"] in "BBL/D/1K". */
  scaleSegments: string[];
}

/** Abbreviations of common denominators → the word ("bbl" → "barrel", "D" → "day"). */
const CANONICAL: ReadonlyMap<string, string> = new Map([
  ['bbl', 'barrel'],
  ['bbls', 'barrel'],
  ['barrels', 'barrel'],
  ['d', 'day'],
  ['day', 'day'],
  ['days', 'day'],
  ['h', 'hour'],
  ['hr', 'hour'],
  ['hour', 'hour'],
  ['wk', 'week'],
  ['week', 'week'],
  ['mo', 'month'],
  ['month', 'month'],
  ['q', 'quarter'],
  ['qtr', 'quarter'],
  ['quarter', 'quarter'],
  ['yr', 'year'],
  ['year', 'year'],
  ['annum', 'year'],
  ['oz', 'troy ounce'],
  ['t', 'tonne'],
]);

/** "barrel, period average" → "barrel": a denominator ends at a clause (but "100,000" is one number). */
function trimDenominator(text: string): string {
  return (text.split(/,\s|;|\(/)[0] ?? '').trim();
}

function canonical(denominator: string): string {
  return CANONICAL.get(foldText(denominator)) ?? denominator;
}

/** Splits "X per Y per Z" and "X/Y/Z"; "per cent" is a percentage, not a denominator. */
export function splitPer(units: string): PerSplit {
  const text = units.replace(/\bper\s+cent\b/gi, 'percent');
  const [head = '', ...perParts] = text.split(/(?:^|\s+)per\s+/i);
  const [numerator = '', ...slashParts] = head.split('/');
  const scaleSegments = slashParts.filter((part) => isScaleOnly(part));
  const denominators = [...slashParts.filter((part) => !isScaleOnly(part)), ...perParts]
    .map(trimDenominator)
    .filter((part) => part !== '')
    .map(canonical);
  return { numerator: numerator.trim(), denominators, scaleSegments };
}

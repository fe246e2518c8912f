/**
 * The words that give a unit its type. Dimensionless kinds (percentage, index, ratio) are read from
 * the whole units string; quantities (physical, duration, count) from the numerator of "X per Y".
 * All patterns run on folded text (lower case, no diacritics).
 */
import type { UnitType } from '../../domain/taxonomy.js';
import { wholeWords } from './text.js';

export interface KindMatch {
  unitType: UnitType;
  /** The words that decided it, for the reason. */
  word: string;
  confidence: number;
}

interface Rule {
  unitType: UnitType;
  pattern: RegExp;
  confidence: number;
}

function rule(unitType: UnitType, source: string, confidence: number): Rule {
  return { unitType, pattern: wholeWords(source), confidence };
}

/**
 * In order: "percentage points" and "basis points" are percentages before "points" is an index;
 * "months of imports" is a ratio before "months" is a duration.
 */
const DIMENSIONLESS: readonly Rule[] = [
  // "%" is not a word character, so it needs no boundary.
  { unitType: 'percentage', pattern: /%/, confidence: 0.95 },
  rule('percentage', 'per ?cent(?:age)?s?|pct|percentage points?|pp|ppts?|basis points?|bps?', 0.95),
  rule('index', 'ind(?:ex|exes|ices)|\\d{4}\\s*=\\s*100', 0.95),
  rule('index', 'points?|pts|score|diffusion', 0.9),
  // Reserves in months of imports: a stock divided by a monthly flow, so a ratio, not a duration.
  rule('ratio', 'months? of (?:imports?|import cover)', 0.8),
  rule('ratio', 'ratio|times|x|(?:correlation |elasticity )?coefficient|multiplier', 0.9),
];

const QUANTITIES: readonly Rule[] = [
  rule(
    'physical',
    [
      'barrels?|bbls?|(?:cubic|sq(?:uare)?\\.?) (?:met(?:er|re)s?|feet|foot|kilomet(?:er|re)s?|km)|m3|m2|km2|bcf|mcf|tcf',
      '(?:metric )?tonnes?|(?:metric )?tons?|kt|mt|kg|kilograms?|grams?|pounds?|lbs?|(?:troy )?ounces?|oz|carats?|bushels?',
      'lit(?:er|re)s?|gallons?|hectares?|ha|acres?|km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|mm|millimet(?:er|re)s?',
      '[tpge]j|(?:tera|peta|giga|mega|exa)?joules?|[kmgt]wh|[kmg]w|(?:kilo|mega|giga)watts?(?: hours?)?',
      'btu|mmbtu|(?:k|m)?toe|tonnes? of oil equivalent|teu|degrees?(?: celsius| fahrenheit)?|celsius|[hc]dd|degree[- ]days?',
      // Oil flows as the industry prints them: thousand (kb/d) or million (mb/d) barrels a day; CO2 equivalent.
      'mmb|mb|kb|bpd|mbd|kbd|co2e?',
    ].join('|'),
    0.9,
  ),
  rule('duration', 'weeks?|days?|months?|years?|hours?|quarters?|minutes?', 0.85),
  rule(
    'count',
    [
      'numbers?|persons?|people|individuals?|inhabitants?|units?|jobs?|compan(?:y|ies)|firms?|businesses',
      'establishments?|enterprises?|doctors?|physicians?|nurses?|beds?|workers?|employees?|households?',
      'dwellings?|houses?|homes?|vehicles?|cars?|cases?|claims?|births?|deaths?|tourists?|visitors?',
      'arrivals?|passengers?|students?|shares?|contracts?|transactions?|permits?|applications?|patents?',
      'counts?|rigs?|items?|orders?|borrowers?|accounts?|head',
    ].join('|'),
    0.85,
  ),
];

function firstMatch(rules: readonly Rule[], folded: string): KindMatch | null {
  for (const { unitType, pattern, confidence } of rules) {
    const match = pattern.exec(folded);
    if (match) return { unitType, word: match[0], confidence };
  }
  return null;
}

/** Percentage, index or ratio, whatever else the units say ("% of GDP", "Index, 2010=100"). */
export function dimensionlessKind(folded: string): KindMatch | null {
  return firstMatch(DIMENSIONLESS, folded);
}

/** Physical, duration or count: what a numerator measures ("million barrels", "weeks", "persons"). */
export function quantityKind(folded: string): KindMatch | null {
  return firstMatch(QUANTITIES, folded);
}

const TIME_UNITS = new Set(['hour', 'day', 'week', 'month', 'quarter', 'year']);

/** True for a denominator that is a span of time: "USD per year" is money over a period, not a price. */
export function isTimeUnit(perUnit: string): boolean {
  return TIME_UNITS.has(perUnit);
}

/**
 * Time basis from wording: is one observation a level at a moment, an amount or change over the
 * period, or a running sum? An ordered list of keyword rules; the first that matches decides. The
 * cues say which rule decided and whether the later rules that also match agree or pull apart;
 * confidence.ts turns them into a confidence.
 */
import type { TimeBasis } from '../../domain/taxonomy.js';
import type { BasisCue } from './confidence.js';

/** Words that name a running sum. Shared with the cumulative stage as supporting evidence. */
export const CUMULATIVE_WORDS =
  /\b(ytd|fytd|year[\s-]to[\s-]date|cumulative|cumulated|accumulated|running[\s-]total|since the (start|beginning))\b/i;

export interface BasisTexts {
  name: string;
  units: string | null;
  description: string | null;
}

export interface BasisDecision {
  basis: TimeBasis;
  /** The evidence behind it: which rule decided, and whether the others agree (the confidence's input). */
  cues: readonly BasisCue[];
  /** No word decided: the commonest reading, a guess. */
  guess: boolean;
  reason: string;
}

type Field = 'name' | 'units' | 'description';

/** What one rule reads when it applies. */
interface Reading {
  basis: TimeBasis;
  cue: BasisCue;
  reason: string;
}

/** One rule: a reading when it applies, null to pass to the next. */
type Rule = (texts: BasisTexts) => Reading | null;

/** A change over the period: growth, MoM, YoY, inflation. Checked before levels ("growth rate"). */
const CHANGE =
  /\b(growth|changes?|mom|qoq|yoy|wow|y\/y|m\/m|q\/q|(year|month|quarter|week)[\s-](on|over)[\s-](year|month|quarter|week)|inflation|deflation)\b/i;

/** Explicit flow phrases that also contain a level or stock word ("debt service", "trading volume"). */
const FLOW_PHRASES =
  /\b(flows?|inflows?|outflows?|debt service|issuance|net lending|net borrowing|trading volume|turnover|disbursements?|repayments?)\b/i;

/**
 * Measures read as levels: prices, rates, ratios, indices, survey scores. Before flows ("revenues index").
 * "At current prices" is a valuation, not a price.
 */
const LEVEL_MEASURES =
  /\b(rates?|ratio|share|yields?|(?<!(current|constant|market|basic) )prices?|index|indices|indicator|score|probability|confidence|sentiment|outlook|expectations?|utili[sz]ation|duration|correlation|elasticity|multiplier|gap|spread|threshold|allocation|pmi|cpi|ppi|hicp|deflator|terms of trade)\b/i;

/** Units of a level: index points, a price or density per unit, a duration. */
const LEVEL_UNITS = /\b(index|points|score|ratio|coefficient|per \w+|weeks|months of)\b/i;

/** Stocks: amounts outstanding at a date. */
const STOCKS =
  /\b(debt|reserves?|population|labou?r force|workforce|liabilities|assets|holdings|outstanding|inventor(y|ies)|stocks|money supply|m[0-3]|deposits?|loans?|credit|wealth|employment|employed|unemployment|unemployed|balance sheet|position)\b/i;

/** Flows: amounts produced, traded, spent or counted over the period. */
const FLOWS =
  /\b(gdp|gross domestic product|gnp|gni|gross national|production|output|sales|exports?|imports?|revenues?|spending|expenditures?|expenses?|consumption|investments?|income|earnings|profits?|orders|trade balance|balance of trade|current account|balance of payments|budget|deficit|surplus|savings|claims|starts|permits|registrations|arrivals|remittances|volume|payrolls|hires|births|deaths|bankruptcies|completions|shipments|receipts|payments|taxes|tax revenue|transactions|purchases|deliveries|approvals|visitors|passengers|subsidies|grants)\b/i;

/** A price measure (CPI, "import prices") in plain percent is its rate of change, not its level. */
const PRICE_MEASURE = /\b(cpi|ppi|hicp|pce|prices?|price index|deflator)\b/i;
const PLAIN_PERCENT = /^\s*(%|percent|per cent|pct)\s*$/i;

function fieldText(texts: BasisTexts, field: Field): string {
  switch (field) {
    case 'name':
      return texts.name;
    case 'units':
      return texts.units ?? '';
    case 'description':
      return texts.description ?? '';
  }
}

/** A rule that fires on a word in one of the given fields (checked in that order). */
function keywordRule(basis: TimeBasis, cue: BasisCue, fields: readonly Field[], pattern: RegExp, why: string): Rule {
  return (texts) => {
    for (const field of fields) {
      const match = pattern.exec(fieldText(texts, field));
      if (match !== null) return { basis, cue, reason: `${basis}: "${match[0]}" in ${field} suggests ${why}` };
    }
    return null;
  };
}

/** "CPI Trimmed-Mean" in "%" is an inflation rate: per period, though "CPI" alone reads as a level. */
const priceChangeInPercent: Rule = (texts) => {
  const price = PRICE_MEASURE.exec(texts.name);
  if (price === null || texts.units === null || !PLAIN_PERCENT.test(texts.units)) return null;
  return {
    basis: 'per-period',
    cue: 'priceInPercent',
    reason: `per-period: "${price[0]}" quoted in "${texts.units}" reads as a rate of change`,
  };
};

/** First match wins; the order is the whole design (see the comments on each pattern). */
const RULES: readonly Rule[] = [
  keywordRule('cumulative', 'cumulativeWord', ['name'], CUMULATIVE_WORDS, 'a running sum'),
  keywordRule('per-period', 'changeWord', ['name', 'units'], CHANGE, 'a change over the period'),
  priceChangeInPercent,
  // Descriptions say "change over time" even for index levels: only their cumulative words count.
  keywordRule('cumulative', 'describedCumulative', ['description'], CUMULATIVE_WORDS, 'a running sum'),
  keywordRule('per-period', 'flowPhrase', ['name'], FLOW_PHRASES, 'a flow'),
  keywordRule('point-in-time', 'levelMeasure', ['name'], LEVEL_MEASURES, 'a level measure'),
  keywordRule('point-in-time', 'levelUnits', ['units'], LEVEL_UNITS, 'units of a level'),
  keywordRule('point-in-time', 'stock', ['name', 'units'], STOCKS, 'a stock'),
  keywordRule('per-period', 'flow', ['name'], FLOWS, 'a flow over the period'),
];

/** With no keyword, a level is the commonest reading; the cue says it is a guess. */
function fallback(texts: BasisTexts): BasisDecision {
  const percent = texts.units !== null && /%|percent/i.test(texts.units);
  return {
    basis: 'point-in-time',
    cues: [percent ? 'guessPercent' : 'guess'],
    guess: true,
    reason: percent
      ? 'point-in-time: a percentage with no change, flow or stock word, read as a level (guess)'
      : 'point-in-time: no change, flow or stock word, read as a level (guess)',
  };
}

/**
 * The first rule that matches decides; every later rule that matches too is a second opinion: one
 * of the same basis corroborates it, one of another basis pulls apart ("Revenue index": a level
 * measure, but also a flow).
 */
export function inferTimeBasis(texts: BasisTexts): BasisDecision {
  const readings = RULES.flatMap((rule) => rule(texts) ?? []);
  const [first, ...later] = readings;
  if (first === undefined) return fallback(texts);
  const cues: BasisCue[] = [first.cue];
  const rival = later.find((r) => r.basis !== first.basis);
  if (later.some((r) => r.basis === first.basis)) cues.push('corroborated');
  if (rival !== undefined) cues.push('rivalBasis');
  const but = rival === undefined ? '' : `; but ${rival.reason.slice(rival.basis.length + 2)}`;
  return { basis: first.basis, cues, guess: false, reason: `${first.reason}${but}` };
}

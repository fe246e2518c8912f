/**
 * Family, type and temporal aggregation from the concept in the name and the normalized units.
 * One decision serves stages 4 and 5, so the two can never contradict each other.
 */
import type { FamilyType, ReportingFrequency, TemporalAggregation, UnitType } from '../../domain/taxonomy.js';
import type { ConceptKind } from './concepts.js';
import { categoryConfidence, type Cue } from './confidence.js';
import type { Evidence } from './evidence.js';

export interface Category {
  readonly pair: FamilyType;
  readonly aggregation: TemporalAggregation;
  readonly confidence: number;
  readonly reason: string;
  /** The cues the confidence was computed from (what `classify eval --fit` fits the weights over). */
  readonly cues: readonly Cue[];
}

/** What the rules decide, before weighing how sure the evidence makes them. */
export interface Decision {
  readonly pair: FamilyType;
  readonly aggregation: TemporalAggregation;
  readonly reason: string;
  /** A step the name does not state but the rules infer (a "%" read as a growth rate): a doubt. */
  readonly inferred?: string;
}

/** Kinds whose percentage form, without "% of GDP", is a growth rate of the thing. */
const GROWABLE: ReadonlySet<ConceptKind> = new Set([
  'flow',
  'count',
  'count-level',
  'volume',
  'stock',
  'balance',
  'capacity',
  'growth',
  'price',
  'price-index',
  'index',
  'diffusion-index',
  'confidence-index',
]);

/** Kinds whose meaning a "change" word does not turn into a growth rate. */
const NOT_A_CHANGE: ReadonlySet<ConceptKind> = new Set([
  'volatility',
  'gap',
  'spread',
  'probability',
  'correlation',
  'elasticity',
  'multiplier',
]);

/**
 * Levels whose change since the start of the year is what a year-to-date % says ("IPCA, accumulated in
 * the year", "Ibovespa YTD change"); a YTD % of a flow compares the year's sum with last year's (YoY).
 */
const LEVELS: ReadonlySet<ConceptKind> = new Set(['inflation', 'growth', 'price', 'price-index', 'index', 'exchange-rate']);

function changeAggregation(e: Evidence, kind: ConceptKind): TemporalAggregation {
  return e.isCumulative && LEVELS.has(kind) ? 'period-cumulative' : 'period-rate';
}

const growthRate = (why: string, inferred?: string, aggregation: TemporalAggregation = 'period-rate'): Decision => ({
  pair: { family: 'change-movement', type: 'rate' },
  aggregation,
  reason: why,
  ...(inferred === undefined ? {} : { inferred }),
});

function category(pair: FamilyType, aggregation: TemporalAggregation, reason: string): Decision {
  return { pair, aggregation, reason };
}

const DENSE: ReadonlySet<ReportingFrequency> = new Set(['daily', 'weekly']);

const STOCK_CHANGE = /\b(flows?|transactions)\b/;

const VALUE_ADDED = /\bvalue added\b/;
const NUMBER_OF = /\bnumber of\b/;

const PER_TIME = /^(day|week|month|quarter|year|annum|hour)s?$/;

const PAY = /\b(wages?|salar(y|ies)|earnings|pay)\b/;

/**
 * An amount over each period, unless the values or the name say it accumulates; an amount per
 * day or per month ("BBL/D/1K") is a rate averaged over the period.
 */
function periodAmount(e: Evidence): TemporalAggregation {
  if (e.isCumulative) return 'period-cumulative';
  return PER_TIME.test(e.normalization.per_unit ?? '') ? 'period-average' : 'period-total';
}

/**
 * An amount divided by GDP or by a population is the standard's ratio ("debt to GDP", "GDP per
 * capita": not-applicable), as every blind writer labeled flows and balances in % of GDP (60 rows);
 * a 12-month or year-to-date sum keeps its accumulation.
 */
function amountAsRatio(e: Evidence): TemporalAggregation | null {
  if (!e.isShareOfGdp && !e.perHead) return null;
  return e.isCumulative ? 'period-cumulative' : 'not-applicable';
}

/** A level that the name says is averaged over the period, or that its publishers average (monthly or sparser). */
function level(e: Evidence): TemporalAggregation {
  const publishedAverage = e.concept?.averaged === true && !DENSE.has(e.time.reporting_frequency);
  return e.saysAverage || publishedAverage ? 'period-average' : 'point-in-time';
}

/**
 * The decision and how sure the evidence makes it. The name's other readings (rival concepts)
 * are decided too: when one of them lands elsewhere, the cues pull apart and the confidence drops.
 */
export function decideCategory(e: Evidence): Category {
  const decision = decide(e);
  const rival = e.rivals.find((r) => differs(decide({ ...e, concept: r }), decision));
  const described = e.described && decide({ ...e, concept: e.described }).pair.family !== decision.pair.family ? e.described : null;
  const { confidence, doubts, cues } = categoryConfidence(e, decision, { rival, described });
  const reason = doubts.length === 0 ? decision.reason : `${decision.reason}; but ${doubts.join('; ')}`;
  return { pair: decision.pair, aggregation: decision.aggregation, confidence, reason, cues };
}

function differs(a: Decision, b: Decision): boolean {
  return a.pair.family !== b.pair.family || a.pair.type !== b.pair.type || a.aggregation !== b.aggregation;
}

function decide(e: Evidence): Decision {
  const unit = e.normalization.unit_type;
  const kind = e.concept?.kind;
  const what = e.concept ? `${e.concept.label} (from the ${e.conceptFrom})` : 'no concept in the name';
  return averagedIfNamed(e, decideReading(e, unit, kind, what));
}

/**
 * A name that says which average ("7-Day Moving Average", "4-Week Average") decides period-average
 * for a total or a structural ratio too; a change rate or a year-to-date sum keeps its own reading.
 */
function averagedIfNamed(e: Evidence, decision: Decision): Decision {
  const replaceable = decision.aggregation === 'period-total' || decision.aggregation === 'not-applicable' || decision.aggregation === 'point-in-time';
  return e.namesPeriodAverage && replaceable ? { ...decision, aggregation: 'period-average' } : decision;
}

function decideReading(e: Evidence, unit: UnitType, kind: ConceptKind | undefined, what: string): Decision {
  // A survey's balance of answers (up minus down) is an outlook, whatever the question names; a
  // confidence indicator built from such balances stays an index.
  if (e.surveyBalance && unit !== 'currency-amount' && kind !== 'confidence-index') {
    return category({ family: 'qualitative', type: 'sentiment' }, 'period-average', `a survey's net balance of answers (from the units)`);
  }
  if (kind === undefined) return fromUnitsOnly(e, unit);
  if (unit === 'percentage' && e.isChange && !NOT_A_CHANGE.has(kind)) {
    return growthRate(`${what}, expressed as a % change`, undefined, changeAggregation(e, kind));
  }
  // A part of a population in % is the standard's percentage (the unemployment rate's kind), not a share.
  if (unit === 'percentage' && e.isShareOfPopulation && kind !== 'probability' && kind !== 'ratio') {
    return category({ family: 'numeric-measurement', type: 'percentage' }, 'not-applicable', `${what}, as a part of a population in %`);
  }
  if (unit === 'percentage' && GROWABLE.has(kind) && e.isShareOfTotal && !e.isShareOfGdp) {
    return category({ family: 'numeric-measurement', type: 'share' }, 'not-applicable', `${what}, as a share of a total`);
  }
  // A diffusion index is often printed in % (the share answering "up", plus half of "same"): not a growth rate.
  if (unit === 'percentage' && GROWABLE.has(kind) && kind !== 'diffusion-index' && !e.isShareOfGdp && !e.saysIndex) {
    return growthRate(`${what} in %: a growth rate of the amount`, 'the name does not say it is a change');
  }
  return fromConcept(e, kind, unit, what);
}

function fromConcept(e: Evidence, kind: ConceptKind, unit: UnitType, what: string): Decision {
  const c = (pair: FamilyType, aggregation: TemporalAggregation): Decision => category(pair, aggregation, what);
  const isIndexUnit = unit === 'index' || e.saysIndex;
  const asRatio = amountAsRatio(e);
  // Currency per unit ("EUR/T", "USD/tCO2e"): what one unit costs.
  const pricedPerUnit = unit === 'rate' && e.normalization.currency !== null;
  switch (kind) {
    case 'inflation':
      return isIndexUnit ? c({ family: 'composite-derived', type: 'index' }, 'point-in-time') : growthRate(what, undefined, changeAggregation(e, kind));
    case 'growth':
      // "Claimant Count Change" in thousands is a change in a level, not a rate.
      if (unit === 'count' || unit === 'currency-amount' || unit === 'physical') {
        return c({ family: 'physical-fundamental', type: 'balance' }, periodAmount(e));
      }
      return growthRate(what);
    case 'price-index':
      if (unit === 'currency-amount' || unit === 'rate') return c({ family: 'price-value', type: 'price' }, level(e));
      if (unit === 'percentage' && !e.saysIndex) return growthRate(`${what} in %: a price change`, 'the name does not say it is a change');
      return c({ family: 'composite-derived', type: 'index' }, 'point-in-time');
    case 'price':
      if (isIndexUnit) return c({ family: 'composite-derived', type: 'index' }, 'point-in-time');
      // A commodity in tonnes, bushels or hectares is a quantity produced, used or traded, not its price.
      if (unit === 'physical') return c({ family: 'physical-fundamental', type: 'volume' }, periodAmount(e));
      return c({ family: 'price-value', type: 'price' }, level(e));
    case 'exchange-rate':
      // An effective exchange rate against a basket is published as an index.
      if (isIndexUnit) return c({ family: 'composite-derived', type: 'index' }, level(e));
      return c({ family: 'price-value', type: 'price' }, level(e));
    case 'interest-rate':
      return c({ family: 'price-value', type: 'rate' }, level(e));
    case 'yield':
      return c({ family: 'price-value', type: 'yield' }, level(e));
    case 'spread':
      // The gap between two rates at a date is a level, as the rates are (not a structural ratio).
      return c({ family: 'numeric-measurement', type: 'spread' }, level(e));
    case 'volatility':
      return c({ family: 'change-movement', type: 'volatility' }, 'point-in-time');
    case 'gap':
      return c({ family: 'change-movement', type: 'gap' }, 'point-in-time');
    case 'population-rate':
      // "Unemployed persons" in thousands is a number of people, not a rate.
      if (unit === 'count') {
        // "Unemployment Change" in thousands: a net change of a stock of people, a balance.
        return e.isChange ? c({ family: 'physical-fundamental', type: 'balance' }, periodAmount(e)) : c({ family: 'physical-fundamental', type: 'stock' }, 'point-in-time');
      }
      // "Unemployed Persons per Job Vacancy": people over people, a ratio.
      if (unit === 'ratio') return c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
      return c({ family: 'numeric-measurement', type: 'percentage' }, 'not-applicable');
    case 'tax-rate':
      // A tax per tonne of CO2 in currency is the price of the emission, not a percentage.
      if (pricedPerUnit) return c({ family: 'price-value', type: 'price' }, level(e));
      return c({ family: 'numeric-measurement', type: 'percentage' }, 'not-applicable');
    case 'utilization':
      return c({ family: 'numeric-measurement', type: 'percentage' }, 'not-applicable');
    case 'share':
      return c({ family: 'numeric-measurement', type: 'share' }, 'not-applicable');
    case 'ratio':
      // "Number of physicians" in persons: the people, not the people per population.
      if (e.concept?.generic === true && unit === 'count') return c({ family: 'physical-fundamental', type: 'stock' }, 'point-in-time');
      return c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
    case 'count':
      // Permits priced per tonne (EU carbon permits) are a price, not events counted.
      if (pricedPerUnit) return c({ family: 'price-value', type: 'price' }, level(e));
      // Births per woman, deaths per 1,000: a count over a population is a ratio.
      if (unit === 'rate') return c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
      // Permits in square metres or tonnes licensed: the quantity, the standard's volume, not the events.
      if (unit === 'physical') return c({ family: 'physical-fundamental', type: 'volume' }, periodAmount(e));
      return c({ family: 'numeric-measurement', type: 'count' }, e.saysAverage ? 'period-average' : periodAmount(e));
    case 'count-level':
      return c({ family: 'numeric-measurement', type: 'count' }, level(e));
    case 'stock':
      if (e.isShareOfGdp || e.perHead || unit === 'percentage' || unit === 'ratio') {
        return c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
      }
      // "Employment, monthly change" in thousands: the standard's net employment change, a balance.
      // The financial accounts' "Flow" and "Transactions" of a stock are its net change in the period.
      if (e.isChange || STOCK_CHANGE.test(e.name)) return c({ family: 'physical-fundamental', type: 'balance' }, periodAmount(e));
      // "Crude Oil Inventories" whose values rise and fall through zero are the week's change, not the level.
      if (e.valuesCrossZero) return category({ family: 'physical-fundamental', type: 'balance' }, periodAmount(e), `${what}, but the values cross zero: its change in the period`);
      // A stock averaged over the period ("Reserve Balances: Week Average") is the period's average.
      return c({ family: 'physical-fundamental', type: 'stock' }, level(e));
    case 'flow':
      // A sector's value added is a part of GDP: the standard's share (labour share), not a ratio.
      if (asRatio !== null && e.isShareOfGdp && VALUE_ADDED.test(e.name)) return c({ family: 'numeric-measurement', type: 'share' }, asRatio);
      if (asRatio !== null) return c({ family: 'numeric-measurement', type: 'ratio' }, asRatio);
      // "Number of Card Payments": the events counted, not a quantity moved.
      if (unit === 'count' && NUMBER_OF.test(e.name)) return c({ family: 'numeric-measurement', type: 'count' }, periodAmount(e));
      // Production or sales counted in barrels, tonnes or units is the standard's volume (barrels,
      // vehicles sold), as the blind writers labeled 23 of 25 such rows; money over a period is a flow.
      if (unit === 'physical' || unit === 'count') return c({ family: 'physical-fundamental', type: 'volume' }, periodAmount(e));
      if (isIndexUnit) return c({ family: 'composite-derived', type: 'index' }, 'point-in-time');
      // Pay per hour, week or month ("Wages in Manufacturing, USD/Hour") is the price of labour.
      if (PAY.test(e.name) && PER_TIME.test(e.normalization.per_unit ?? '')) return c({ family: 'price-value', type: 'price' }, level(e));
      return c({ family: 'physical-fundamental', type: 'flow' }, periodAmount(e));
    case 'balance':
      if (asRatio !== null) return c({ family: 'numeric-measurement', type: 'ratio' }, asRatio);
      if (e.concept?.atDate === true && !e.isChange) return c({ family: 'physical-fundamental', type: 'balance' }, 'point-in-time');
      return c({ family: 'physical-fundamental', type: 'balance' }, periodAmount(e));
    case 'capacity':
      return c({ family: 'physical-fundamental', type: 'capacity' }, 'point-in-time');
    case 'volume':
      if (asRatio !== null) return c({ family: 'numeric-measurement', type: 'ratio' }, asRatio);
      if (isIndexUnit) return c({ family: 'composite-derived', type: 'index' }, 'point-in-time');
      // Money traded or shipped over the period is the standard's flow (exports); a volume is counted in units.
      if (unit === 'currency-amount') return c({ family: 'physical-fundamental', type: 'flow' }, periodAmount(e));
      return c({ family: 'physical-fundamental', type: 'volume' }, periodAmount(e));
    case 'diffusion-index':
      return c({ family: 'composite-derived', type: 'index' }, 'period-average');
    case 'confidence-index':
      return c({ family: 'composite-derived', type: 'index' }, level(e));
    case 'index':
      return c({ family: 'composite-derived', type: 'index' }, level(e));
    case 'sentiment':
      return c({ family: 'qualitative', type: 'sentiment' }, 'point-in-time');
    case 'allocation':
      // Revenue allocated to the states in naira is money paid over the period, not a portfolio's mix.
      if (unit === 'currency-amount') return c({ family: 'physical-fundamental', type: 'flow' }, periodAmount(e));
      return c({ family: 'qualitative', type: 'allocation' }, 'point-in-time');
    case 'duration':
      // An average duration over the period's cases, or a level at the date.
      return c({ family: 'temporal', type: 'duration' }, level(e));
    case 'expectancy':
      return c({ family: 'temporal', type: 'duration' }, 'not-applicable');
    case 'probability':
      return c({ family: 'temporal', type: 'probability' }, 'point-in-time');
    case 'threshold':
      return c({ family: 'temporal', type: 'threshold' }, 'point-in-time');
    case 'correlation':
      return c({ family: 'composite-derived', type: 'correlation' }, 'period-average');
    case 'elasticity':
      return c({ family: 'composite-derived', type: 'elasticity' }, 'period-average');
    case 'multiplier':
      return c({ family: 'composite-derived', type: 'multiplier' }, e.concept?.atDate === true ? level(e) : 'period-average');
    default: {
      const unreachable: never = kind;
      throw new Error(`unhandled concept kind ${String(unreachable)}`);
    }
  }
}

/** No concept in the name or description: the units alone decide, with low confidence. */
function fromUnitsOnly(e: Evidence, unit: UnitType): Decision {
  const why = `no concept in the name; decided by the units (${unit})`;
  const c = (pair: FamilyType, aggregation: TemporalAggregation): Decision => category(pair, aggregation, why);
  switch (unit) {
    case 'currency-amount':
      return c({ family: 'physical-fundamental', type: 'flow' }, periodAmount(e));
    case 'percentage':
      return e.isChange ? growthRate(why) : c({ family: 'numeric-measurement', type: 'percentage' }, 'not-applicable');
    case 'index':
      return c({ family: 'composite-derived', type: 'index' }, 'point-in-time');
    case 'count':
      return c({ family: 'numeric-measurement', type: 'count' }, periodAmount(e));
    case 'physical':
      return c({ family: 'physical-fundamental', type: 'volume' }, periodAmount(e));
    case 'rate':
      return e.normalization.currency
        ? c({ family: 'price-value', type: 'price' }, 'point-in-time')
        : c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
    case 'ratio':
      return c({ family: 'numeric-measurement', type: 'ratio' }, 'not-applicable');
    case 'duration':
      return c({ family: 'temporal', type: 'duration' }, 'period-average');
    case 'unknown':
      return c({ family: 'any', type: 'other' }, 'not-applicable');
    default: {
      const unreachable: never = unit;
      throw new Error(`unhandled unit type ${String(unreachable)}`);
    }
  }
}

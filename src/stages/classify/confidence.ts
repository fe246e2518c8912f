/**
 * How sure the family/type decision is, from the cues behind it: where the concept was found and
 * how specific the match was, whether the units fit the concept, whether the name's other readings,
 * the description or the time stage's reading land elsewhere, and whether the values agree with the
 * name on accumulation. Hybrid mode asks the LLM below a threshold, so a doubt here is what sends a
 * field to the LLM.
 *
 * The confidence is a logistic model over the cues: σ(Σ weight of each cue present). The weights are
 * fitted on the labeled set (`classify eval --fit`, src/eval/fit.ts) starting from PRIOR, and read
 * from the generated module confidence-weights.ts: one source of truth, no constant per code path.
 */
import type { FamilyType, ReportingFrequency, TemporalAggregation, UnitType } from '../../domain/taxonomy.js';
import { cueConfidence, type CueModel, type Weights } from '../cue-model.js';
import type { ConceptKind, ConceptRule } from './concepts.js';
import { FITTED_WEIGHTS } from './confidence-weights.js';
import type { Evidence } from './evidence.js';

/** Where the concept came from: exactly one of these is present on every answer. */
export const SOURCE_CUES = ['name', 'generic', 'description', 'unitsOnly', 'unreadable'] as const;
/** Evidence for the decision: may only raise the confidence. */
export const SUPPORT_CUES = ['unitsFit'] as const;
/** Cues that pull apart: may only lower it. */
export const DOUBT_CUES = [
  'unitsMisfit',
  'amountAsRatio',
  'amountAsIndex',
  'rival',
  'described',
  'inferred',
  'cumulative',
  'unitsUnsure',
  'timeBasis',
  'flowOrVolume',
  'averageDescribed',
  'aggregationUnnamed',
  'contested',
  'sparseLevel',
] as const;
export const CUES = [...SOURCE_CUES, ...SUPPORT_CUES, ...DOUBT_CUES] as const;
export type Cue = (typeof CUES)[number];
export type CueWeights = Weights<Cue>;

/**
 * What the fit starts from, in logits (log odds of a right answer), and where it stays when the
 * labeled data says nothing about a cue: the judgement the rules were written with (a concept in the
 * name ≈ 0.88, a catch-all match ≈ 0.74, the description ≈ 0.66, the units alone 0.5, nothing
 * readable 0.2; each doubt costs about what the former additive weights took off a 0.88).
 */
export const PRIOR: CueWeights = {
  name: 2.0,
  generic: 1.05,
  description: 0.65,
  unitsOnly: 0,
  unreadable: -1.4,
  unitsFit: 0.6,
  unitsMisfit: -0.85,
  amountAsRatio: -1.35,
  amountAsIndex: -1.35,
  rival: -1.15,
  described: -0.6,
  inferred: -1.0,
  cumulative: -0.85,
  unitsUnsure: -0.6,
  timeBasis: -0.85,
  flowOrVolume: -0.85,
  averageDescribed: -0.85,
  aggregationUnnamed: -0.3,
  contested: -0.85,
  sparseLevel: -0.6,
};

export const CATEGORY_MODEL: CueModel<Cue> = { cues: CUES, supports: SUPPORT_CUES, doubts: DOUBT_CUES, prior: PRIOR };

/**
 * A price or rate reported this seldom is as often the period's average as its level at the end: a
 * rate from quarterly on, a price (commodity tables publish monthly averages) from monthly on.
 */
const SPARSE_RATE: ReadonlySet<ReportingFrequency> = new Set(['quarterly', 'semiannual', 'annual']);
const SPARSE_PRICE: ReadonlySet<ReportingFrequency> = new Set(['monthly', ...SPARSE_RATE]);
const sparseFor = (type: FamilyType['type']): ReadonlySet<ReportingFrequency> => (type === 'price' ? SPARSE_PRICE : SPARSE_RATE);

/** Amounts: a "% of GDP", "per capita" or index form is not the amount the name names. */
const AMOUNTS: ReadonlySet<ConceptKind> = new Set(['flow', 'stock', 'balance', 'volume', 'count', 'count-level', 'capacity']);

/** The units each decided type is usually measured in; absent: any units fit. */
function usualUnits(pair: FamilyType): readonly UnitType[] | undefined {
  switch (pair.family) {
    case 'physical-fundamental':
      return ['currency-amount', 'physical', 'count'];
    case 'numeric-measurement':
      if (pair.type === 'count') return ['count'];
      if (pair.type === 'ratio') return ['ratio', 'rate', 'percentage', 'currency-amount'];
      return ['percentage'];
    case 'price-value':
      return pair.type === 'price' ? ['rate', 'currency-amount', 'ratio'] : ['percentage'];
    case 'change-movement':
      return pair.type === 'volatility' ? ['index', 'percentage'] : ['percentage'];
    case 'composite-derived':
      return pair.type === 'index' ? ['index'] : undefined;
    case 'temporal':
      if (pair.type === 'duration') return ['duration'];
      return pair.type === 'probability' ? ['percentage'] : undefined;
    case 'qualitative':
      return ['index', 'percentage'];
    case 'any':
      return undefined;
    default: {
      const unreachable: never = pair;
      throw new Error(`unhandled family ${String(unreachable)}`);
    }
  }
}

/**
 * The time stage reads the time basis from its own word lists; when it read one (not its guess) and
 * it contradicts the decided aggregation, the two readings of the name pull apart. An average or a
 * structural ratio fits either basis.
 */
function timeBasisDisagrees(e: Evidence, aggregation: TemporalAggregation): boolean {
  if (!e.timeBasisRead) return false;
  const basis = e.time.time_basis;
  switch (aggregation) {
    case 'point-in-time':
      return basis !== 'point-in-time';
    case 'period-total':
    case 'period-rate':
      return basis !== 'per-period';
    case 'period-cumulative':
      return basis === 'point-in-time';
    case 'period-average':
    case 'not-applicable':
      return false;
    default: {
      const unreachable: never = aggregation;
      throw new Error(`unhandled aggregation ${String(unreachable)}`);
    }
  }
}

export interface Doubts {
  /** A rival reading of the name that decides differently. */
  readonly rival: ConceptRule | undefined;
  /** The description's concept, when it decides differently from the name's. */
  readonly described: ConceptRule | null;
}

interface Decided {
  readonly pair: FamilyType;
  readonly aggregation: TemporalAggregation;
  readonly inferred?: string;
}

export interface CueReading {
  readonly cues: readonly Cue[];
  /** The doubts in words, for the stage's reason. */
  readonly doubts: readonly string[];
}

/**
 * The standard tells a flow from a volume by what is counted: money over a period is a flow (GDP,
 * exports), physical units are a volume (barrels, vehicles sold). Units of the other kind pull apart.
 */
function flowVolumeMisfit(pair: FamilyType, unit: UnitType): boolean {
  if (pair.family !== 'physical-fundamental') return false;
  if (pair.type === 'flow') return unit === 'physical' || unit === 'count';
  if (pair.type === 'volume') return unit === 'currency-amount';
  return false;
}

/**
 * The types whose temporal aggregation the standard's table names ("typical": stocks, prices, index
 * levels and rates are point-in-time; GDP, exports, sales, production volumes period-total; growth and
 * inflation period-rate; structural shares and ratios not-applicable). For the others (a spread, a
 * count, a duration, a balance, a probability…) the aggregation is the rules' reading alone, and
 * careful readers differ on it.
 */
function standardNamesAggregation(pair: FamilyType): boolean {
  switch (pair.family) {
    case 'physical-fundamental':
      return pair.type === 'stock' || pair.type === 'flow' || pair.type === 'volume';
    case 'numeric-measurement':
      return pair.type === 'percentage' || pair.type === 'ratio' || pair.type === 'share';
    case 'price-value':
      return true;
    case 'change-movement':
      return pair.type === 'rate';
    case 'composite-derived':
      return pair.type === 'index';
    case 'temporal':
    case 'qualitative':
    case 'any':
      return false;
    default: {
      const unreachable: never = pair;
      throw new Error(`unhandled family ${String(unreachable)}`);
    }
  }
}

/** The cues present on one decision: the model's input, and the doubts the reason lists. */
export function categoryCues(e: Evidence, decision: Decided, other: Doubts): CueReading {
  const unit = e.normalization.unit_type;
  const concept = e.concept;
  const cues: Cue[] = [];
  const doubts: string[] = [];
  const doubt = (cue: Cue, why: string): void => {
    cues.push(cue);
    doubts.push(why);
  };

  if (concept === null) {
    // The units alone decide: an unknown name is never a confident reading.
    cues.push(unit === 'unknown' ? 'unreadable' : 'unitsOnly');
  } else {
    cues.push(e.conceptFrom === 'description' ? 'description' : concept.generic ? 'generic' : 'name');
    const usual = usualUnits(decision.pair);
    const conflict = AMOUNTS.has(concept.kind) && (e.isShareOfGdp || e.isShareOfTotal || e.perHead || unit === 'index');
    if (conflict) {
      if (unit === 'index') doubt('amountAsIndex', `${concept.label} measured as an index`);
      else doubt('amountAsRatio', `the units make ${concept.label} a ratio (% of GDP or of a total, per capita)`);
      // A part of the total it is measured against is a share (value added in % of GDP), any other
      // amount over a total a ratio (debt to income): the name seldom says which.
      if (e.isShareOfTotal && !e.isShareOfGdp && unit !== 'index') doubt('contested', 'an amount in % of a total is a share when it is part of it, a ratio otherwise');
    } else if (usual !== undefined && unit !== 'unknown') {
      if (usual.includes(unit)) cues.push('unitsFit');
      else doubt('unitsMisfit', `units (${unit}) unusual for a ${decision.pair.type}`);
    }
    if (concept.contested !== undefined) doubt('contested', concept.contested);
    if (flowVolumeMisfit(decision.pair, unit)) doubt('flowOrVolume', `${unit} units for a ${decision.pair.type}`);
    // Houses or cars sold in units: the standard's volume (vehicles sold) or events counted (housing starts).
    if (concept.kind === 'flow' && decision.pair.type === 'volume' && unit === 'count') doubt('flowOrVolume', 'units sold are a volume or a count of events');
    if (other.rival) doubt('rival', `the name also reads as ${other.rival.label}`);
    if (other.described) doubt('described', `the description reads as ${other.described.label}`);
  }
  if (unit === 'unknown' && concept !== null) doubt('unitsUnsure', 'units unreadable');
  else if (e.normalization.confidence < 0.5) doubt('unitsUnsure', 'units read with low confidence');
  if (decision.inferred !== undefined) doubt('inferred', decision.inferred);
  if (e.cumulativeDoubt) doubt('cumulative', 'the name and the values disagree on accumulation');
  if (concept !== null && !standardNamesAggregation(decision.pair)) {
    doubt('aggregationUnnamed', `the standard names no temporal aggregation for a ${decision.pair.type}`);
  }
  const rateLike = decision.pair.family === 'price-value' || decision.pair.type === 'spread';
  if (rateLike && decision.aggregation === 'point-in-time' && sparseFor(decision.pair.type).has(e.time.reporting_frequency)) {
    doubt('sparseLevel', `a ${decision.pair.type} reported ${e.time.reporting_frequency}: a level at a date or the period's average`);
  }
  if (e.describedAverage && decision.aggregation !== 'period-average') doubt('averageDescribed', 'an average is named without saying over what');
  if (timeBasisDisagrees(e, decision.aggregation)) {
    doubt('timeBasis', `the time stage reads the name as ${e.time.time_basis}, not ${decision.aggregation}`);
  }
  return { cues, doubts };
}

/** σ(Σ weights of the cues present), inside [0.05, 0.99] (src/stages/cue-model.ts). */
export function confidenceOf(cues: readonly Cue[], weights: CueWeights = FITTED_WEIGHTS): number {
  return cueConfidence(cues, weights);
}

export function categoryConfidence(e: Evidence, decision: Decided, other: Doubts): { confidence: number; doubts: readonly string[]; cues: readonly Cue[] } {
  const reading = categoryCues(e, decision, other);
  return { confidence: confidenceOf(reading.cues), doubts: reading.doubts, cues: reading.cues };
}

/**
 * How sure the family/type decision is, from the cues behind it: where the concept was found and
 * how specific the match was, whether the units fit the concept, whether the name's other readings
 * or the description land elsewhere, and whether the values agree with the name on accumulation.
 * Hybrid mode asks the LLM below a threshold, so a doubt here is what sends a field to the LLM.
 */
import type { FamilyType, UnitType } from '../../domain/taxonomy.js';
import type { ConceptKind, ConceptRule } from './concepts.js';
import type { Evidence } from './evidence.js';

/**
 * How much each cue counts. Set by judgement, not fitted: the 110 labeled rows have too few wrong
 * answers to fit them. The threshold over them is what `classify eval --folds` cross-validates.
 */
export const WEIGHTS = {
  /** Where the concept came from. */
  name: 0.88,
  generic: 0.74,
  description: 0.66,
  unitsOnly: 0.5,
  unreadable: 0.2,
  /** The units are the ones the concept is usually measured in. */
  unitsFit: 0.05,
  /** Doubts. */
  unitsMisfit: 0.12,
  amountAsRatio: 0.22,
  amountAsIndex: 0.22,
  rival: 0.18,
  described: 0.08,
  inferred: 0.15,
  cumulative: 0.12,
  unitsUnsure: 0.08,
} as const;

const MIN = 0.05;
const MAX = 0.95;

/** Amounts: a "% of GDP", "per capita" or index form is not the amount the name names. */
const AMOUNTS: ReadonlySet<ConceptKind> = new Set(['flow', 'stock', 'balance', 'volume', 'count', 'capacity']);

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

export interface Doubts {
  /** A rival reading of the name that decides differently. */
  readonly rival: ConceptRule | undefined;
  /** The description's concept, when it decides differently from the name's. */
  readonly described: ConceptRule | null;
}

interface Decided {
  readonly pair: FamilyType;
  readonly inferred?: string;
}

export function categoryConfidence(e: Evidence, decision: Decided, other: Doubts): { confidence: number; doubts: string[] } {
  const unit = e.normalization.unit_type;
  const concept = e.concept;
  const doubts: string[] = [];
  let confidence: number;
  const doubt = (weight: number, why: string): void => {
    confidence -= weight;
    doubts.push(why);
  };

  if (concept === null) {
    // The units alone decide: an unknown name is never a confident reading.
    confidence = unit === 'unknown' ? WEIGHTS.unreadable : WEIGHTS.unitsOnly;
  } else {
    confidence = e.conceptFrom === 'description' ? WEIGHTS.description : concept.generic ? WEIGHTS.generic : WEIGHTS.name;
    const usual = usualUnits(decision.pair);
    const conflict = AMOUNTS.has(concept.kind) && (e.isShareOfGdp || e.perHead || unit === 'index');
    if (conflict) {
      if (unit === 'index') doubt(WEIGHTS.amountAsIndex, `${concept.label} measured as an index`);
      else doubt(WEIGHTS.amountAsRatio, `the units make ${concept.label} a ratio (% of GDP, per capita)`);
    } else if (usual !== undefined && unit !== 'unknown') {
      if (usual.includes(unit)) confidence += WEIGHTS.unitsFit;
      else doubt(WEIGHTS.unitsMisfit, `units (${unit}) unusual for a ${decision.pair.type}`);
    }
    if (other.rival) doubt(WEIGHTS.rival, `the name also reads as ${other.rival.label}`);
    if (other.described) doubt(WEIGHTS.described, `the description reads as ${other.described.label}`);
  }
  if (unit === 'unknown' && concept !== null) doubt(WEIGHTS.unitsUnsure, 'units unreadable');
  else if (e.normalization.confidence < 0.5) doubt(WEIGHTS.unitsUnsure, 'units read with low confidence');
  if (decision.inferred !== undefined) doubt(WEIGHTS.inferred, decision.inferred);
  if (e.cumulativeDoubt) doubt(WEIGHTS.cumulative, 'the name and the values disagree on accumulation');
  return { confidence: round(Math.min(MAX, Math.max(MIN, confidence))), doubts };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

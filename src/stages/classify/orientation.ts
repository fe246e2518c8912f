/**
 * Stage 6: is a higher value good news? (shared/TAXONOMY.md, "Orientation").
 * Words in the name decide first; otherwise the concept's usual reading. The confidence is a
 * logistic model over the cues behind the answer (src/stages/cue-model.ts), its weights fitted by
 * `classify eval --fit` into confidence-weights.ts.
 */
import type { OrientationResult } from '../../domain/results.js';
import type { Orientation } from '../../domain/taxonomy.js';
import { cueConfidence, type CueModel, type Weights } from '../cue-model.js';
import type { ConceptKind } from './concepts.js';
import { FITTED_ORIENTATION_WEIGHTS } from './confidence-weights.js';
import type { Evidence } from './evidence.js';

interface OrientationWord {
  readonly orientation: Orientation;
  readonly pattern: RegExp;
  readonly label: string;
}

/** Ordered: burdens first (unemployment growth is still bad news), then things that are neither. */
const WORDS: readonly OrientationWord[] = [
  {
    orientation: 'lower-is-positive',
    label: 'a burden or a risk',
    pattern:
      /\b(debts?|unemploy\w*|jobless|claims|defaults?|bankruptc\w*|insolvenc\w*|deficits?|delinquen\w*|arrears|non[- ]?performing|npl|risk|volatility|vix|poverty rate|poverty headcount|layoffs|job cuts|redundanc\w*|prices paid|input prices|costs?|misery|gini|inequality|imf credit|recession|distress|evictions|foreclosures|claimants?|terrorism|crime|homicides?|conflict|emissions|pollution|mortality|deaths|interest payments)\b/,
  },
  {
    orientation: 'higher-is-positive',
    label: 'activity, jobs or a balance where more is better',
    pattern:
      /\b(net lending|budget balance|fiscal balance|government budget|surplus|terms of trade|employment|payrolls|jobs|participation|productivity|competitiveness|capital expenditure|capex|reserves|inflows|foreign direct investment)\b/,
  },
  {
    orientation: 'neutral',
    label: 'neither good nor bad news when higher',
    pattern:
      /\b(imports?|expenses?|(government|public|fiscal|military) (spending|expenditures?)|outlays|population|labou?r force|inventor\w*|stocks of|liabilities|money supply|monetary base|trading volume|turnover|balance|net flows?|tic flows|price-to-earnings|p\/e|prices?|tax rate)\b/,
  },
];

/** The usual reading of a concept when no word in the name decides. */
function byConcept(kind: ConceptKind | undefined): Orientation | null {
  switch (kind) {
    case 'inflation':
    case 'price-index':
    case 'price':
    case 'exchange-rate':
    case 'interest-rate':
    case 'yield':
    case 'spread':
    case 'gap':
    case 'tax-rate':
    case 'share':
    case 'capacity':
    case 'balance':
    case 'correlation':
    case 'elasticity':
    case 'allocation':
    case 'threshold':
    case 'duration':
      return 'neutral';
    case 'volatility':
    case 'probability':
      return 'lower-is-positive';
    case 'expectancy':
    case 'growth':
    case 'population-rate':
    case 'utilization':
    case 'ratio':
    case 'count':
    case 'count-level':
    case 'stock':
    case 'flow':
    case 'volume':
    case 'diffusion-index':
    case 'confidence-index':
    case 'index':
    case 'sentiment':
    case 'multiplier':
      return 'higher-is-positive';
    case undefined:
      return null;
    default: {
      const unreachable: never = kind;
      throw new Error(`unhandled concept kind ${String(unreachable)}`);
    }
  }
}

/** Price changes are neutral whatever the subject: high and low inflation are both bad news. */
const PRICE_CHANGE: ReadonlySet<ConceptKind> = new Set(['inflation', 'price-index', 'price', 'exchange-rate']);

/**
 * Concepts whose usual reading says much about good or bad news (the standard names them, or
 * more of them is plainly better or worse); a stock, a count or an index could be either.
 */
const TELLING: ReadonlySet<ConceptKind> = new Set([
  'interest-rate',
  'yield',
  'growth',
  'flow',
  'utilization',
  'diffusion-index',
  'confidence-index',
  'sentiment',
  'volatility',
  'probability',
]);

/** Where the orientation came from (exactly one). */
export const ORIENTATION_SOURCE_CUES = ['convention', 'inputPrices', 'word', 'tellingConcept', 'concept', 'nothing'] as const;
/** The concept's usual reading agrees with the word that decided. */
export const ORIENTATION_SUPPORT_CUES = ['conceptAgrees'] as const;
/** A second word of another reading, or a concept that usually reads otherwise. */
export const ORIENTATION_DOUBT_CUES = ['mixedWords', 'conceptDisagrees'] as const;
export const ORIENTATION_CUES = [...ORIENTATION_SOURCE_CUES, ...ORIENTATION_SUPPORT_CUES, ...ORIENTATION_DOUBT_CUES] as const;
export type OrientationCue = (typeof ORIENTATION_CUES)[number];
export type OrientationWeights = Weights<OrientationCue>;

/**
 * The judgement the rules were written with, in logits: a convention of the standard ≈ 0.9, a word
 * in the name ≈ 0.8 (0.88 when the concept agrees, 0.68 per reading that pulls apart), a telling
 * concept's usual reading ≈ 0.72, a weak or generic one ≈ 0.62, nothing ≈ 0.3.
 */
export const ORIENTATION_PRIOR: OrientationWeights = {
  convention: 2.2,
  inputPrices: 1.4,
  word: 1.4,
  tellingConcept: 0.95,
  concept: 0.5,
  nothing: -0.85,
  conceptAgrees: 0.6,
  mixedWords: -0.65,
  conceptDisagrees: -0.65,
};

export const ORIENTATION_MODEL: CueModel<OrientationCue> = {
  cues: ORIENTATION_CUES,
  supports: ORIENTATION_SUPPORT_CUES,
  doubts: ORIENTATION_DOUBT_CUES,
  prior: ORIENTATION_PRIOR,
};

interface OrientationReading {
  readonly orientation: Orientation;
  readonly cues: readonly OrientationCue[];
  readonly reason: string;
}

/** The orientation and the cues behind it (what `classify eval --fit` fits the weights over). */
export function readOrientation(e: Evidence): OrientationReading {
  const kind = e.concept?.kind;
  if (kind !== undefined && PRICE_CHANGE.has(kind) && !/\bterms of trade\b/.test(e.name)) {
    return { orientation: 'neutral', cues: ['convention'], reason: `${e.concept?.label ?? kind}: neutral by convention` };
  }
  if (kind === 'diffusion-index' && /\b(prices?|costs?)\b/.test(e.name)) {
    return { orientation: 'lower-is-positive', cues: ['inputPrices'], reason: 'a survey of input prices: higher means cost pressure' };
  }
  const usual = byConcept(kind);
  const words = WORDS.filter((candidate) => candidate.pattern.test(e.context));
  const [word] = words;
  if (word) {
    const cues: OrientationCue[] = ['word'];
    const doubts: string[] = [];
    // Burdens come first on purpose ("unemployment growth"); a second word of another reading is a doubt.
    const other = words.find((candidate) => candidate.orientation !== word.orientation);
    if (other) {
      cues.push('mixedWords');
      doubts.push(`it also reads as ${other.label}`);
    }
    if (usual === word.orientation) cues.push('conceptAgrees');
    else if (usual !== null) {
      cues.push('conceptDisagrees');
      doubts.push(`${e.concept?.label ?? 'its concept'} usually reads ${usual}`);
    }
    const why = `the name reads as ${word.label}${doubts.length ? `; but ${doubts.join('; ')}` : ''}`;
    return { orientation: word.orientation, cues, reason: why };
  }
  if (usual && kind !== undefined) {
    // A weak or partial lexicon match (a catch-all, the description) counts less than a specific one.
    const strong = e.conceptFrom === 'name' && e.concept?.generic === false && TELLING.has(kind);
    return { orientation: usual, cues: [strong ? 'tellingConcept' : 'concept'], reason: `usual reading of ${e.concept?.label ?? kind}` };
  }
  return { orientation: 'neutral', cues: ['nothing'], reason: 'no evidence either way' };
}

export function assignOrientation(e: Evidence, weights: OrientationWeights = FITTED_ORIENTATION_WEIGHTS): OrientationResult {
  const reading = readOrientation(e);
  return { orientation: reading.orientation, confidence: cueConfidence(reading.cues, weights), source: 'rules', reason: reading.reason };
}

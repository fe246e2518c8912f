/**
 * Stage 6: is a higher value good news? (shared/TAXONOMY.md, "Orientation").
 * Words in the name decide first; otherwise the concept's usual reading.
 */
import type { OrientationResult } from '../../domain/results.js';
import type { Orientation } from '../../domain/taxonomy.js';
import type { ConceptKind } from './concepts.js';
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
    case 'growth':
    case 'population-rate':
    case 'utilization':
    case 'ratio':
    case 'count':
    case 'stock':
    case 'flow':
    case 'volume':
    case 'diffusion-index':
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
  'sentiment',
  'volatility',
  'probability',
]);

/** How much each cue counts (see confidence.ts for the family/type weights). */
const ORIENTATION_WEIGHTS = {
  convention: 0.9,
  word: 0.8,
  concept: 0.72,
  weakConcept: 0.62,
  nothing: 0.3,
  agree: 0.08,
  disagree: 0.12,
  mixedWords: 0.12,
} as const;

export function assignOrientation(e: Evidence): OrientationResult {
  const kind = e.concept?.kind;
  const w = ORIENTATION_WEIGHTS;
  if (kind !== undefined && PRICE_CHANGE.has(kind) && !/\bterms of trade\b/.test(e.name)) {
    return result('neutral', w.convention, `${e.concept?.label ?? kind}: neutral by convention`);
  }
  if (kind === 'diffusion-index' && /\b(prices?|costs?)\b/.test(e.name)) {
    return result('lower-is-positive', w.word, 'a survey of input prices: higher means cost pressure');
  }
  const usual = byConcept(kind);
  const words = WORDS.filter((candidate) => candidate.pattern.test(e.context));
  const [word] = words;
  if (word) {
    let confidence: number = w.word;
    const doubts: string[] = [];
    // Burdens come first on purpose ("unemployment growth"); a second word of another reading is a doubt.
    const other = words.find((candidate) => candidate.orientation !== word.orientation);
    if (other) {
      confidence -= w.mixedWords;
      doubts.push(`it also reads as ${other.label}`);
    }
    if (usual === word.orientation) confidence += w.agree;
    else if (usual !== null) {
      confidence -= w.disagree;
      doubts.push(`${e.concept?.label ?? 'its concept'} usually reads ${usual}`);
    }
    const why = `the name reads as ${word.label}${doubts.length ? `; but ${doubts.join('; ')}` : ''}`;
    return result(word.orientation, round(confidence), why);
  }
  if (usual && kind !== undefined) {
    const strong = e.conceptFrom === 'name' && e.concept?.generic === false && TELLING.has(kind);
    return result(usual, strong ? w.concept : w.weakConcept, `usual reading of ${e.concept?.label ?? kind}`);
  }
  return result('neutral', w.nothing, 'no evidence either way');
}

function round(x: number): number {
  return Math.round(Math.min(0.95, Math.max(0.05, x)) * 100) / 100;
}

function result(orientation: Orientation, confidence: number, reason: string): OrientationResult {
  return { orientation, confidence, source: 'rules', reason };
}

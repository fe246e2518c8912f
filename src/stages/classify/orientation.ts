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

export function assignOrientation(e: Evidence): OrientationResult {
  const kind = e.concept?.kind;
  if (kind !== undefined && PRICE_CHANGE.has(kind) && !/\bterms of trade\b/.test(e.name)) {
    return result('neutral', 0.85, `${e.concept?.label ?? kind}: neutral by convention`);
  }
  if (kind === 'diffusion-index' && /\b(prices?|costs?)\b/.test(e.name)) {
    return result('lower-is-positive', 0.75, 'a survey of input prices: higher means cost pressure');
  }
  const word = WORDS.find((candidate) => candidate.pattern.test(e.context));
  if (word) return result(word.orientation, 0.8, `the name reads as ${word.label}`);
  const usual = byConcept(kind);
  if (usual) return result(usual, 0.65, `usual reading of ${e.concept?.label ?? kind}`);
  return result('neutral', 0.3, 'no evidence either way');
}

function result(orientation: Orientation, confidence: number, reason: string): OrientationResult {
  return { orientation, confidence, source: 'rules', reason };
}

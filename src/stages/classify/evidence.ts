/**
 * Everything the family, type and orientation rules look at, read once from the indicator and
 * the results of the earlier stages.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { CumulativeResult, NormalizationResult, TimeInferenceResult } from '../../domain/results.js';
import { CHANGE_WORDS, CUMULATIVE_WORDS, findConcept, normalizeText, type ConceptRule } from './concepts.js';

export type ClassifyInput = Pick<
  Indicator,
  'name' | 'units' | 'description' | 'topic' | 'category_group' | 'aggregation_method'
>;

export interface PriorStages {
  readonly normalization: NormalizationResult;
  readonly time: TimeInferenceResult;
  readonly cumulative: CumulativeResult;
}

export interface Evidence extends PriorStages {
  /** The name, normalized for matching. */
  readonly name: string;
  /** The name plus the specific parts of the topic ("External debt: Debt outstanding"). */
  readonly context: string;
  readonly concept: ConceptRule | null;
  /** Where the concept was found: the name is strong evidence, the description weaker. */
  readonly conceptFrom: 'name' | 'description' | 'none';
  /** The name or units say the series is a change (growth, YoY, % change). */
  readonly isChange: boolean;
  /** Expressed against GDP ("% of GDP", "to GDP"). */
  readonly isShareOfGdp: boolean;
  /** Expressed as a part of some other total ("% of total population", "% of labour force"). */
  readonly isShareOfTotal: boolean;
  /** The name says "index". */
  readonly saysIndex: boolean;
  /** The name says average / mean. */
  readonly saysAverage: boolean;
  /** The name says year-to-date or cumulative, or the values accumulate. */
  readonly isCumulative: boolean;
}

/** GDP and GNI: national output, the usual denominator of fiscal and external ratios. */
const GDP_SHARE = /\b(of|to)[ -](gdp|gni|gross domestic product|gross national income)\b|% of (gdp|gni)\b/;
const TOTAL_SHARE = /(%|\bpercent|\bshare) of (total )?(?!gdp\b|gni\b|gross (domestic|national))[a-z]/;
const AVERAGE = /\b(average|avg|mean|moving average)\b/;
const CONFIDENT_CUMULATIVE = 0.6;

/** Topic paths read "Area: Sub-area: Detail"; the first segment is too broad to carry meaning. */
function specificTopic(topic: string | null): string {
  if (topic === null) return '';
  return topic.split(':').slice(1).join(' ');
}

export function gatherEvidence(input: ClassifyInput, prior: PriorStages): Evidence {
  const name = normalizeText(input.name);
  const units = normalizeText(input.units ?? '');
  const fromName = findConcept(input.name);
  const fromDescription = fromName ? null : findConcept(input.description ?? '');
  const concept = fromName ?? fromDescription;
  const valuesAccumulate =
    prior.cumulative.is_cumulative && prior.cumulative.confidence >= CONFIDENT_CUMULATIVE;
  return {
    ...prior,
    name,
    context: `${name} ${normalizeText(specificTopic(input.topic))}`.trim(),
    concept,
    conceptFrom: fromName ? 'name' : fromDescription ? 'description' : 'none',
    isChange: CHANGE_WORDS.test(name) || /\b(growth|change)\b/.test(units),
    isShareOfGdp: GDP_SHARE.test(name) || GDP_SHARE.test(units),
    isShareOfTotal: TOTAL_SHARE.test(name) || TOTAL_SHARE.test(units),
    saysIndex: /\bindex\b/.test(name),
    saysAverage: AVERAGE.test(name),
    isCumulative: CUMULATIVE_WORDS.test(name) || valuesAccumulate,
  };
}

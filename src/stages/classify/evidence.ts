/**
 * Everything the family, type and orientation rules look at, read once from the indicator and
 * the results of the earlier stages.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { CumulativeResult, NormalizationResult, TimeInferenceResult } from '../../domain/results.js';
import { realObservations } from '../cumulative/series.js';
import { inferTimeBasis } from '../time/basis.js';
import { CHANGE_WORDS, CUMULATIVE_WORDS, findMatches, normalizeText, type ConceptMatch, type ConceptRule } from './concepts.js';

export type ClassifyInput = Pick<
  Indicator,
  'name' | 'units' | 'description' | 'topic' | 'category_group' | 'aggregation_method' | 'sample_values'
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
  /** People with some trait in % of a population ("% of population", "% of female population ages 15+"): the standard's percentage. */
  readonly isShareOfPopulation: boolean;
  /** The name says "index". */
  readonly saysIndex: boolean;
  /** The name, the catalog's aggregation method or the description ("monthly average") says the values are averages over the period. */
  readonly saysAverage: boolean;
  /** An average named without saying over what (the description's "the average of…", a daily rate's "Average"): a hint, too loose to decide on. */
  readonly describedAverage: boolean;
  /** The name says which average: a moving, N-period or period average ("7-Day Moving Average", "Period Average", "Average Daily Trading Volume"). */
  readonly namesPeriodAverage: boolean;
  /** The name says year-to-date or cumulative, or the values accumulate. */
  readonly isCumulative: boolean;
  /** Other concepts the name also matches, of another kind: readings that may pull apart. */
  readonly rivals: readonly ConceptRule[];
  /** The concept the description names, when the name has its own (a second opinion). */
  readonly described: ConceptRule | null;
  /** The values take both signs: no level of a stock does (a stock's change does). */
  readonly valuesCrossZero: boolean;
  /** The units say a survey's net balance of answers ("Net balance", "Balance of opinion", "Net percentage"). */
  readonly surveyBalance: boolean;
  /** The name or units say per capita, per person or per 1,000: an amount divided by a population. */
  readonly perHead: boolean;
  /** The name and the values disagree on accumulation (either way), or the values hint at it without being sure. */
  readonly cumulativeDoubt: boolean;
  /** The time basis is a reading (the LLM's, or the time stage's word lists), not the time stage's fallback guess. */
  readonly timeBasisRead: boolean;
}

/** GDP and GNI: national output, the usual denominator of fiscal and external ratios. */
const GDP_SHARE = /\b(of|to)[ -](potential )?(gdp|gni|gross domestic product|gross national income)\b|% of (potential )?(gdp|gni)\b/;
const TOTAL_SHARE = /(%|\bpercent(age)?|\bshare) of (total )?(?!gdp\b|gni\b|gross (domestic|national))[a-z]/;
const POPULATION_SHARE = /(%|\bpercent(age)?) of (the )?([a-z0-9+-]+ ){0,3}(population|people|children|adults|women|men|labou?r force)\b/;
const AVERAGE = /\b(average|avg|mean|moving average|\d*[wm]ma)\b/;
/** Names that say "Average" of their constituents, not of the period: the Dow Jones Industrial Average, a trimmed-mean rate, an auction's average yield. */
const AVERAGE_INDEX_NAME = /\b(industrial|stock|transportation|utility|composite) average\b|\btrimmed mean\b|\blong[- ]term average\b|\bauction average (accepted )?yield\b|\baverage accepted yield\b/g;
/** A description that says which average: "monthly average", "3-month rolling average". */
const PERIOD_AVERAGE = /\b(daily|weekly|monthly|quarterly|annual|yearly|period|rolling|moving|\d+[- ]?(day|week|month)s?|(two|three|four|six|twelve)[- ](week|month)s?) averages?\b/;
/** The name says which average: "7-Day Moving Average", "4-Week Average", "Period Average", "Average Weekly Sales"; not "above its 200-day average". */
const NAMED_PERIOD_AVERAGE = /\b((moving|rolling|period|monthly|quarterly) averages?|average (daily|weekly|monthly)|\d+[- ]?(day|week|month|year)s? (moving |compounded )?averages?|\d*[dwm]ma|(week|month|quarter) average)\b/;
/** A comparison with an average ("members above their 200-day moving average") is not the series' own average. */
const AGAINST_AVERAGE = /\b(above|below|over|under|vs\.?|versus|relative to) (the |its |their )?[\w -]*?(average|\d*[dwm]ma)\b/g;
/** Survey answers up minus answers down, as the units print it. */
const SURVEY_BALANCE = /\b(balance|net percent(age)?)\b/;
const CONFIDENT_CUMULATIVE = 0.7;
const PER_HEAD = /\b(per capita|per person|per head|per inhabitant|per household|median (household |family )?income|per 1,?000|per 100,?000|per 100)\b/;

/** At least two observations on each side of zero. */
function crossesZero(samples: ClassifyInput['sample_values']): boolean {
  const values = realObservations(samples).observations.map((o) => o.value);
  return values.filter((v) => v < 0).length >= 2 && values.filter((v) => v > 0).length >= 2;
}

/**
 * Other specific readings of the name, on words the winning match did not use: "Capacity
 * Utilization" is not also a capacity, and the GDP of "% of GDP" is a denominator, not a concept.
 */
function rivalsOf(matches: readonly ConceptMatch[], name: string): ConceptRule[] {
  const [winner, ...others] = matches;
  if (winner === undefined) return [];
  const denominator = GDP_SHARE.exec(normalizeText(name));
  const inside = (m: ConceptMatch, from: number, to: number): boolean => m.from < to && m.to > from;
  return others
    .filter((m) => !m.rule.generic && m.rule.kind !== winner.rule.kind && !inside(m, winner.from, winner.to))
    .filter((m) => denominator === null || !inside(m, denominator.index, denominator.index + denominator[0].length))
    .map((m) => m.rule);
}

/** Topic paths read "Area: Sub-area: Detail"; the first segment is too broad to carry meaning. */
function specificTopic(topic: string | null): string {
  if (topic === null) return '';
  return topic.split(':').slice(1).join(' ');
}

export function gatherEvidence(input: ClassifyInput, prior: PriorStages): Evidence {
  const name = normalizeText(input.name);
  const units = normalizeText(input.units ?? '');
  const inName = findMatches(input.name);
  const inDescription = findMatches(input.description ?? '');
  const fromName = inName[0]?.rule ?? null;
  const fromDescription = fromName ? null : (inDescription[0]?.rule ?? null);
  const concept = fromName ?? fromDescription;
  const valuesAccumulate =
    prior.cumulative.is_cumulative && prior.cumulative.confidence >= CONFIDENT_CUMULATIVE;
  const saysCumulative = CUMULATIVE_WORDS.test(name);
  const valuesDoNot = !prior.cumulative.is_cumulative && prior.cumulative.pattern === 'periodic' && prior.cumulative.confidence >= CONFIDENT_CUMULATIVE;
  const description = normalizeText(input.description ?? '');
  // A daily rate's "average" in the name (SORA, a "mean" fixing) is mostly over the day's trades, not a
  // period (3 of 4 labeled rows): a hint, not a decision.
  const nameAverage = AVERAGE.test(name.replace(AVERAGE_INDEX_NAME, ' '));
  const daily = prior.time.reporting_frequency === 'daily';
  const saysAverage = (nameAverage && !daily) || AVERAGE.test(normalizeText(input.aggregation_method ?? '')) || PERIOD_AVERAGE.test(description);
  return {
    ...prior,
    name,
    context: `${name} ${normalizeText(specificTopic(input.topic))}`.trim(),
    concept,
    conceptFrom: fromName ? 'name' : fromDescription ? 'description' : 'none',
    isChange: CHANGE_WORDS.test(name) || /\b(growth|change)\b/.test(units),
    isShareOfGdp: GDP_SHARE.test(name) || GDP_SHARE.test(units),
    isShareOfTotal: TOTAL_SHARE.test(name) || TOTAL_SHARE.test(units),
    // "Urban population (% of total population)" is a part of a population, the standard's share.
    isShareOfPopulation: (POPULATION_SHARE.test(name) || POPULATION_SHARE.test(units)) && !/\bpopulation\b/.test(name.replace(POPULATION_SHARE, ' ')),
    saysIndex: /\bindex\b/.test(name),
    saysAverage,
    describedAverage: !saysAverage && (AVERAGE.test(description) || (nameAverage && daily)),
    namesPeriodAverage: NAMED_PERIOD_AVERAGE.test(name.replace(AGAINST_AVERAGE, ' ')),
    isCumulative: saysCumulative || valuesAccumulate,
    rivals: rivalsOf(inName, input.name),
    described: fromName ? (inDescription.find((m) => !m.rule.generic)?.rule ?? null) : null,
    perHead: PER_HEAD.test(name) || PER_HEAD.test(units),
    surveyBalance: SURVEY_BALANCE.test(units),
    valuesCrossZero: crossesZero(input.sample_values),
    // Values that accumulate under a name that does not say so decide on the values alone: seasonal
    // flows (tourism peaking each summer) look like that too.
    cumulativeDoubt: (saysCumulative && valuesDoNot) || (!saysCumulative && prior.cumulative.is_cumulative),
    timeBasisRead: prior.time.source !== 'rules' || !inferTimeBasis({ name: input.name, units: input.units, description: input.description }).guess,
  };
}

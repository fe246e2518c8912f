/**
 * How sure the time stage is: the chance that both its frequency and its time basis are right, the
 * product of two logistic models over their cues (src/stages/cue-model.ts). Hybrid mode asks the LLM
 * one time question for both, so the stage is as sure as the two together.
 *
 * Both are fitted by `classify eval --fit` into confidence-weights.ts (src/eval/fit.ts): the basis
 * against the basis a label's temporal aggregation implies, the frequency against a label's
 * `expected_frequency` where the labeled file gives one. The priors below are the judgement the
 * rules were written with, and what a fit starts from.
 */
import { asConfidence, cueProbability, type CueModel, type Weights } from '../cue-model.js';
import { FITTED_FREQUENCY_WEIGHTS, FITTED_TIME_BASIS_WEIGHTS } from '../classify/confidence-weights.js';

/** Which keyword rule decided the basis (exactly one), or the fallback guess. */
export const BASIS_SOURCE_CUES = [
  'cumulativeWord',
  'changeWord',
  'priceInPercent',
  'describedCumulative',
  'flowPhrase',
  'levelMeasure',
  'levelUnits',
  'stock',
  'flow',
  'guessPercent',
  'guess',
] as const;
/** A later rule of the same basis also matches. */
export const BASIS_SUPPORT_CUES = ['corroborated'] as const;
/** A later rule of another basis also matches. */
export const BASIS_DOUBT_CUES = ['rivalBasis'] as const;
export const BASIS_CUES = [...BASIS_SOURCE_CUES, ...BASIS_SUPPORT_CUES, ...BASIS_DOUBT_CUES] as const;
export type BasisCue = (typeof BASIS_CUES)[number];
export type BasisWeights = Weights<BasisCue>;

/**
 * The judgement the keyword rules were written with, in logits: a change or running-sum word ≈ 0.85,
 * a flow phrase or a stock ≈ 0.75, a level measure or a flow word ≈ 0.7, a price in plain percent or
 * units of a level ≈ 0.65, the guess 0.25 (0.35 for a percentage).
 */
export const BASIS_PRIOR: BasisWeights = {
  cumulativeWord: 1.75,
  changeWord: 1.75,
  priceInPercent: 0.6,
  describedCumulative: 0.85,
  flowPhrase: 1.1,
  levelMeasure: 0.85,
  levelUnits: 0.6,
  stock: 1.1,
  flow: 0.85,
  guessPercent: -0.6,
  guess: -1.1,
  corroborated: 0.5,
  rivalBasis: -0.6,
};

export const BASIS_MODEL: CueModel<BasisCue> = { cues: BASIS_CUES, supports: BASIS_SUPPORT_CUES, doubts: BASIS_DOUBT_CUES, prior: BASIS_PRIOR };

/** Where the frequency came from (exactly one). */
export const FREQUENCY_SOURCE_CUES = ['declared', 'overruled', 'spacing', 'spacingIrregular', 'dateForm', 'wordHint', 'unknown'] as const;
/** The dates agree with it. */
export const FREQUENCY_SUPPORT_CUES = ['datesConfirm', 'manyDates', 'formConfirms'] as const;
/** The dates pull away from it. */
export const FREQUENCY_DOUBT_CUES = ['datesMissing', 'datesDisagree', 'formDisagrees'] as const;
export const FREQUENCY_CUES = [...FREQUENCY_SOURCE_CUES, ...FREQUENCY_SUPPORT_CUES, ...FREQUENCY_DOUBT_CUES] as const;
export type FrequencyCue = (typeof FREQUENCY_CUES)[number];
export type FrequencyWeights = Weights<FrequencyCue>;

/**
 * Judgement, in logits: a periodicity with nothing to check it ≈ 0.85, confirmed
 * by the dates ≈ 0.91 (0.95 with at least 3 gaps that fit), by the date form ≈ 0.9; spaced by whole
 * periods with observations missing ≈ 0.8; dates that look otherwise but too few to overrule ≈ 0.6;
 * dates that overrule the periodicity ≈ 0.7; no periodicity: the spacing ≈ 0.6 (0.73 with 3 gaps),
 * the date form ≈ 0.45, a word in the name ≈ 0.35, nothing ≈ 0.1.
 */
export const FREQUENCY_PRIOR: FrequencyWeights = {
  declared: 1.75,
  overruled: 0.85,
  spacing: 0.4,
  spacingIrregular: 0,
  dateForm: -0.2,
  wordHint: -0.6,
  unknown: -2.2,
  datesConfirm: 0.6,
  manyDates: 0.6,
  formConfirms: 0.45,
  datesMissing: -0.35,
  datesDisagree: -1.35,
  formDisagrees: -1.35,
};

export const FREQUENCY_MODEL: CueModel<FrequencyCue> = {
  cues: FREQUENCY_CUES,
  supports: FREQUENCY_SUPPORT_CUES,
  doubts: FREQUENCY_DOUBT_CUES,
  prior: FREQUENCY_PRIOR,
};

/** P(frequency right) × P(basis right), as a stage confidence. */
export function timeConfidence(
  frequency: readonly FrequencyCue[],
  basis: readonly BasisCue[],
  weights: { readonly basis: BasisWeights; readonly frequency: FrequencyWeights } = { basis: FITTED_TIME_BASIS_WEIGHTS, frequency: FITTED_FREQUENCY_WEIGHTS },
): number {
  return asConfidence(cueProbability(frequency, weights.frequency) * cueProbability(basis, weights.basis));
}

/**
 * A stage's confidence as a logistic model over the evidence cues it has: σ(Σ weight of each cue
 * present). Each model names its cues, which of them may only raise the confidence (supports) or
 * only lower it (doubts), and the judgement its weights start from (the prior); `classify eval
 * --fit` (src/eval/fit.ts) fits the weights on the labeled set around that prior.
 */

export type Weights<C extends string> = Readonly<Record<C, number>>;

export interface CueModel<C extends string> {
  /** Every cue, in the order the generated weights module lists them. */
  readonly cues: readonly C[];
  /** Evidence for the answer: a fit never makes one negative. */
  readonly supports: readonly C[];
  /** Evidence against it: a fit never makes one positive. */
  readonly doubts: readonly C[];
  /** Logits the fit starts from and stays at when the labeled data says nothing about a cue. */
  readonly prior: Weights<C>;
}

/** Never certain, never hopeless; MAX high enough that a doubt on a strong reading still shows. */
const MIN = 0.05;
const MAX = 0.99;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The unrounded probability σ(Σ weights of the cues present). */
export function cueProbability<C extends string>(cues: readonly C[], weights: Weights<C>): number {
  return sigmoid(cues.reduce((sum, cue) => sum + weights[cue], 0));
}

/** A probability as a stage reports it: kept inside [MIN, MAX], two decimals (a judgement, not a measurement). */
export function asConfidence(p: number): number {
  return Math.round(Math.min(MAX, Math.max(MIN, p)) * 100) / 100;
}

export function cueConfidence<C extends string>(cues: readonly C[], weights: Weights<C>): number {
  return asConfidence(cueProbability(cues, weights));
}

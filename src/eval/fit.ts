/**
 * Fits the confidence weights of the rules' cue models (src/stages/cue-model.ts) on a labeled set:
 * per model, a logistic regression of "the stage's answer agrees with the label" on the cues present,
 * maximum a posteriori with a Gaussian prior around the model's prior. The labeled set is small and
 * its wrong answers few: the prior keeps a cue the data says nothing about where it was, and the
 * data moves a cue as far as its rows support. Signs are kept: a support cue never lowers the
 * confidence, a doubt never raises it.
 *
 * Four models are fitted: family/type (right when family, type and temporal aggregation all agree),
 * the time basis (right when it is the basis the labeled temporal aggregation implies), the
 * frequency (right when it is the row's `expected_frequency`; rows without one do not count, and a
 * file without any keeps the prior) and orientation.
 */
import type { Indicator } from '../domain/indicator.js';
import { decideCategory } from '../stages/classify/category.js';
import { CATEGORY_MODEL, type Cue, type CueWeights } from '../stages/classify/confidence.js';
import { ORIENTATION_MODEL, readOrientation, type OrientationCue, type OrientationWeights } from '../stages/classify/orientation.js';
import { sigmoid, type CueModel, type Weights } from '../stages/cue-model.js';
import { StageProgress } from '../stages/pipeline.js';
import { inferTimeBasis } from '../stages/time/basis.js';
import { BASIS_MODEL, FREQUENCY_MODEL, type BasisCue, type BasisWeights, type FrequencyCue, type FrequencyWeights } from '../stages/time/confidence.js';
import { inferFrequency } from '../stages/time/index.js';
import type { EvalField } from './labels.js';

/** One labeled row as a fit sees it: the cues, and whether the stage's answer was right. */
export interface FitRow<C extends string = Cue> {
  readonly cues: readonly C[];
  readonly right: boolean;
}

/** Prior standard deviation of each weight, in logits: how far a few hundred labeled rows may move it easily (a looser prior did no better out of fold). */
export const PRIOR_SD = 0.5;
const STEPS = 2000;
const LEARNING_RATE = 0.05;

/** The cues behind each of the rules' confidences for one indicator. */
export interface RuleCues {
  readonly category: readonly Cue[];
  readonly frequency: readonly FrequencyCue[];
  readonly basis: readonly BasisCue[];
  readonly orientation: readonly OrientationCue[];
}

export function ruleCuesOf(indicator: Indicator): RuleCues {
  const progress = new StageProgress(indicator);
  for (const stage of ['normalization', 'time', 'cumulative'] as const) progress.record(stage, progress.rules(stage));
  const evidence = progress.evidence();
  return {
    category: decideCategory(evidence).cues,
    frequency: inferFrequency(indicator).cues,
    basis: inferTimeBasis({ name: indicator.name, units: indicator.units, description: indicator.description }).cues,
    orientation: readOrientation(evidence).cues,
  };
}

/** The cues behind the rules' family/type answer for one indicator. */
export function cuesOf(indicator: Indicator): readonly Cue[] {
  return ruleCuesOf(indicator).category;
}

/** Whether the family/type stage's answer is right: the fields it decides in one go. */
export function stageRight(correct: Readonly<Record<EvalField, boolean>>): boolean {
  return correct.family && correct.type && correct.temporal_aggregation;
}

/** Projected gradient ascent on the log posterior; deterministic, no randomness. */
export function fitWeights<C extends string>(rows: readonly FitRow<C>[], model: CueModel<C>, sd: number = PRIOR_SD): Weights<C> {
  const { cues, prior } = model;
  const doubts: ReadonlySet<string> = new Set(model.doubts);
  const supports: ReadonlySet<string> = new Set(model.supports);
  const w = new Map<C, number>(cues.map((c) => [c, prior[c]]));
  const n = Math.max(1, rows.length);
  for (let step = 0; step < STEPS; step += 1) {
    const grad = new Map<C, number>(cues.map((c) => [c, -((w.get(c) ?? 0) - prior[c]) / (sd * sd)]));
    for (const row of rows) {
      const p = sigmoid(row.cues.reduce((sum, c) => sum + (w.get(c) ?? 0), 0));
      const residual = (row.right ? 1 : 0) - p;
      for (const c of row.cues) grad.set(c, (grad.get(c) ?? 0) + residual);
    }
    for (const c of cues) {
      let next = (w.get(c) ?? 0) + (LEARNING_RATE * (grad.get(c) ?? 0)) / Math.sqrt(n);
      if (doubts.has(c)) next = Math.min(0, next);
      if (supports.has(c)) next = Math.max(0, next);
      w.set(c, next);
    }
  }
  return Object.fromEntries(cues.map((c) => [c, round(w.get(c) ?? 0)])) as Record<C, number>;
}

/** Every fitted model's weights: what confidence-weights.ts holds. */
export interface FittedWeights {
  readonly category: CueWeights;
  readonly timeBasis: BasisWeights;
  readonly frequency: FrequencyWeights;
  readonly orientation: OrientationWeights;
}

/** The labeled rows each model was fitted on, and how many of them the rules got wrong. */
export type FitCounts = Readonly<Record<keyof FittedWeights, { readonly rows: number; readonly wrong: number }>>;

export interface FitData {
  readonly category: readonly FitRow[];
  readonly timeBasis: readonly FitRow<BasisCue>[];
  readonly frequency: readonly FitRow<FrequencyCue>[];
  readonly orientation: readonly FitRow<OrientationCue>[];
}

export function fitAll(data: FitData): FittedWeights {
  return {
    category: fitWeights(data.category, CATEGORY_MODEL),
    timeBasis: fitWeights(data.timeBasis, BASIS_MODEL),
    frequency: fitWeights(data.frequency, FREQUENCY_MODEL),
    orientation: fitWeights(data.orientation, ORIENTATION_MODEL),
  };
}

export function fitCounts(data: FitData): FitCounts {
  const count = <C extends string>(rows: readonly FitRow<C>[]): { rows: number; wrong: number } => ({ rows: rows.length, wrong: rows.filter((r) => !r.right).length });
  return { category: count(data.category), timeBasis: count(data.timeBasis), frequency: count(data.frequency), orientation: count(data.orientation) };
}

function weightLines<C extends string>(weights: Weights<C>): string[] {
  return Object.entries(weights).map(([c, w]) => `  ${c}: ${String(w)},`);
}

/** The generated module the stages read. */
export function weightsModule(weights: FittedWeights, about: { counts: FitCounts; labels: string }): string {
  const { category, timeBasis, frequency, orientation } = about.counts;
  return [
    '// Generated by `classify eval --fit`; do not edit by hand.',
    `// Fitted on ${about.labels}: family/type on ${category.rows} rows (${category.wrong} with a wrong family/type/temporal answer),`,
    `// time basis on ${timeBasis.rows} rows whose temporal aggregation implies one (${timeBasis.wrong} wrong), frequency on ${frequency.rows} rows with a labeled frequency (${frequency.wrong} wrong),`,
    `// orientation on ${orientation.rows} rows (${orientation.wrong} wrong).`,
    "import type { CueWeights } from './confidence.js';",
    "import type { OrientationWeights } from './orientation.js';",
    "import type { BasisWeights, FrequencyWeights } from '../time/confidence.js';",
    '',
    'export const FITTED_WEIGHTS: CueWeights = {',
    ...weightLines(weights.category),
    '};',
    '',
    'export const FITTED_TIME_BASIS_WEIGHTS: BasisWeights = {',
    ...weightLines(weights.timeBasis),
    '};',
    '',
    'export const FITTED_FREQUENCY_WEIGHTS: FrequencyWeights = {',
    ...weightLines(weights.frequency),
    '};',
    '',
    'export const FITTED_ORIENTATION_WEIGHTS: OrientationWeights = {',
    ...weightLines(weights.orientation),
    '};',
    '',
  ].join('\n');
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

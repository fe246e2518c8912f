/** Agreement between the rules and a labeled set, per field, with every disagreement explained. */
import type { Classification } from '../domain/results.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { calibrate, type FieldCalibration, type Scored } from './calibration.js';
import { confidenceOf, type Cue, type CueWeights } from '../stages/classify/confidence.js';
import { cuesOf, fitWeights, stageRight, type FitRow } from './fit.js';
import { crossValidate, sweep, type CrossValidation, type Refit, type ScoredRow, type SweepPoint } from './kfold.js';
import { EVAL_FIELDS, type EvalField, type Expected, type LabeledIndicator } from './labels.js';

export interface FieldScore {
  readonly agree: number;
  readonly total: number;
  readonly rate: number;
}

export interface Disagreement {
  readonly id: string;
  readonly name: string;
  readonly field: EvalField;
  readonly expected: string;
  readonly got: string;
  readonly reason: string;
}

export interface Confusion {
  readonly field: EvalField;
  readonly expected: string;
  readonly got: string;
  readonly count: number;
}

export interface EvalReport {
  readonly total: number;
  readonly fields: Record<EvalField, FieldScore>;
  readonly confusions: readonly Confusion[];
  readonly disagreements: readonly Disagreement[];
  /** The hybrid threshold the router figures are measured at. */
  readonly threshold: number;
  readonly calibration: Record<EvalField, FieldCalibration>;
  /** Router recall and load at each threshold of the grid (the trade-off behind the default). */
  readonly sweep: readonly SweepPoint[];
  /** Out-of-fold router figures, when folds were asked for. */
  readonly crossValidation: CrossValidation | null;
  /** Confidence weights fitted on every row, when a fit was asked for. */
  readonly fitted: { readonly weights: CueWeights; readonly rows: number; readonly wrong: number } | null;
}

/** A scored row with the cues behind its family/type confidence, so a fit can rescore it. */
type EvalRow = ScoredRow & { readonly id: string; readonly cues: readonly Cue[] };

const toFitRow = (row: EvalRow): FitRow => ({
  cues: row.cues,
  right: stageRight({
    family: row.family.correct,
    type: row.type.correct,
    temporal_aggregation: row.temporal_aggregation.correct,
    is_currency_denominated: row.is_currency_denominated.correct,
    orientation: row.orientation.correct,
  }),
});

/** The family/type stage's confidence (and the fields that carry it) under other weights; orientation keeps its own. */
function rescored(row: EvalRow, weights: CueWeights): ScoredRow {
  const confidence = confidenceOf(row.cues, weights);
  const at = (s: Scored): Scored => ({ confidence, correct: s.correct });
  return {
    family: at(row.family),
    type: at(row.type),
    temporal_aggregation: at(row.temporal_aggregation),
    is_currency_denominated: at(row.is_currency_denominated),
    orientation: row.orientation,
  };
}

/** Each fold's weights are fitted on its training part: the held-out figures never saw their rows. */
const refitWeights: Refit<EvalRow> = (training) => {
  const weights = fitWeights(training.map(toFitRow));
  return (row) => rescored(row, weights);
};

/** The classification's answer for one field, and the stage reason behind it. */
function answer(c: Classification, field: EvalField): { value: string; reason: string; confidence: number } {
  switch (field) {
    case 'family':
      return { value: c.family.family, reason: c.family.reason, confidence: c.family.confidence };
    case 'type':
      return { value: c.type.type, reason: c.type.reason, confidence: c.type.confidence };
    // The type stage answers these two as well: hybrid mode asks about them when it asks about the type.
    case 'temporal_aggregation':
      return { value: c.type.temporal_aggregation, reason: c.type.reason, confidence: c.type.confidence };
    case 'is_currency_denominated':
      return { value: String(c.type.is_currency_denominated), reason: `units: ${c.normalization.reason}`, confidence: c.type.confidence };
    case 'orientation':
      return { value: c.orientation.orientation, reason: c.orientation.reason, confidence: c.orientation.confidence };
    default: {
      const unreachable: never = field;
      throw new Error(`unhandled field ${String(unreachable)}`);
    }
  }
}

export interface EvalOptions {
  /** Hybrid mode's threshold for the router figures (default: the run's default). */
  readonly threshold?: number;
  /** k for k-fold cross-validation of the threshold (absent: none). */
  readonly folds?: number;
  /** The classifier under test (default: the rules, whose confidence weights are then refitted per fold). */
  readonly classify?: (indicator: LabeledIndicator['indicator']) => Classification;
  /** Fit the confidence weights on every row (the rules only). */
  readonly fit?: boolean;
}

export function evaluate(labeled: readonly LabeledIndicator[], options: EvalOptions = {}): EvalReport {
  const threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const classify = options.classify ?? classifyWithRules;
  const disagreements: Disagreement[] = [];
  const agreeCounts = new Map<EvalField, number>(EVAL_FIELDS.map((field) => [field, 0]));
  const scored = new Map<EvalField, Scored[]>(EVAL_FIELDS.map((field) => [field, []]));
  const rows: EvalRow[] = [];
  const rules = options.classify === undefined;
  if (options.fit === true && !rules) throw new Error('a fit of the confidence weights needs the rules as the classifier');
  for (const { indicator, expected } of labeled) {
    const classification = classify(indicator);
    const row: Partial<ScoredRow> = {};
    for (const field of EVAL_FIELDS) {
      const got = answer(classification, field);
      const want = String(expected[field satisfies keyof Expected]);
      const one = { confidence: got.confidence, correct: got.value === want };
      scored.get(field)?.push(one);
      row[field] = one;
      if (got.value === want) {
        agreeCounts.set(field, (agreeCounts.get(field) ?? 0) + 1);
      } else {
        disagreements.push({ id: indicator.id, name: indicator.name, field, expected: want, got: got.value, reason: got.reason });
      }
    }
    rows.push({ ...(row as ScoredRow), id: indicator.id, cues: rules ? cuesOf(indicator) : [] });
  }
  const total = labeled.length;
  const fields = Object.fromEntries(
    EVAL_FIELDS.map((field) => {
      const agree = agreeCounts.get(field) ?? 0;
      return [field, { agree, total, rate: total === 0 ? 0 : agree / total }];
    }),
  ) as Record<EvalField, FieldScore>;
  const calibration = Object.fromEntries(
    EVAL_FIELDS.map((field) => [field, calibrate(scored.get(field) ?? [], threshold)]),
  ) as Record<EvalField, FieldCalibration>;
  const crossValidation = options.folds === undefined ? null : crossValidate(rows, EVAL_FIELDS, options.folds, rules ? refitWeights : undefined);
  const fitRows = rows.map(toFitRow);
  const fitted = options.fit === true ? { weights: fitWeights(fitRows), rows: fitRows.length, wrong: fitRows.filter((r) => !r.right).length } : null;
  return {
    total,
    fields,
    confusions: countConfusions(disagreements),
    disagreements,
    threshold,
    calibration,
    sweep: sweep(rows, EVAL_FIELDS),
    crossValidation,
    fitted,
  };
}

function countConfusions(disagreements: readonly Disagreement[]): Confusion[] {
  const counts = new Map<string, Confusion>();
  for (const d of disagreements) {
    const key = `${d.field}\u0000${d.expected}\u0000${d.got}`;
    const seen = counts.get(key);
    counts.set(key, { field: d.field, expected: d.expected, got: d.got, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** Agreement between the rules and a labeled set, per field, with every disagreement explained. */
import type { Classification } from '../domain/results.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { cueConfidence } from '../stages/cue-model.js';
import { confidenceOf } from '../stages/classify/confidence.js';
import { timeConfidence } from '../stages/time/confidence.js';
import { calibrate, type FieldCalibration, type Scored } from './calibration.js';
import { fitAll, fitCounts, ruleCuesOf, stageRight, type FitCounts, type FitData, type FittedWeights, type RuleCues } from './fit.js';
import { chooseThreshold, crossValidate, scoresOf, sweep, type CrossValidation, type Refit, type ScoredRow, type SweepPoint } from './kfold.js';
import { CALIBRATED_FIELDS, EVAL_FIELDS, impliedTimeBasis, type CalibratedField, type EvalField, type Expected, type LabeledIndicator } from './labels.js';

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
  /** Per field; the time basis only over the rows whose label implies one. */
  readonly calibration: Record<CalibratedField, FieldCalibration>;
  /** Router recall and load at each threshold of the grid (the trade-off behind the default). */
  readonly sweep: readonly SweepPoint[];
  /** The threshold this labeled set picks (best mean recall at load ≤ 0.25, src/eval/kfold.ts): how the default is chosen. */
  readonly chosenThreshold: number;
  /** Out-of-fold router figures, when folds were asked for. */
  readonly crossValidation: CrossValidation | null;
  /** Confidence weights fitted on every row, when a fit was asked for. */
  readonly fitted: { readonly weights: FittedWeights; readonly counts: FitCounts } | null;
}

/** A scored row with the cues behind its confidences, so a fit can rescore it. */
type EvalRow = ScoredRow & { readonly id: string; readonly cues: RuleCues | null };

/** What each model's fit learns from: the rows the rules answered, with their cues. */
function fitData(rows: readonly EvalRow[]): FitData {
  const withCues = rows.flatMap((row) => (row.cues === null ? [] : [{ row, cues: row.cues }]));
  return {
    category: withCues.map(({ row, cues }) => ({
      cues: cues.category,
      right: stageRight({
        family: row.family.correct,
        type: row.type.correct,
        temporal_aggregation: row.temporal_aggregation.correct,
        is_currency_denominated: row.is_currency_denominated.correct,
        orientation: row.orientation.correct,
      }),
    })),
    timeBasis: withCues.flatMap(({ row, cues }) => (row.time_basis === undefined ? [] : [{ cues: cues.basis, right: row.time_basis.correct }])),
    frequency: withCues.flatMap(({ row, cues }) =>
      row.reporting_frequency === undefined ? [] : [{ cues: cues.frequency, right: row.reporting_frequency.correct }],
    ),
    orientation: withCues.map(({ row, cues }) => ({ cues: cues.orientation, right: row.orientation.correct })),
  };
}

/** The row's confidences under other weights (the answers, and so their correctness, stay). */
function rescored(row: EvalRow, weights: FittedWeights): ScoredRow {
  if (row.cues === null) return row;
  const category = confidenceOf(row.cues.category, weights.category);
  const at = (s: Scored, confidence: number): Scored => ({ confidence, correct: s.correct });
  const timeScore = timeConfidence(row.cues.frequency, row.cues.basis, { basis: weights.timeBasis, frequency: weights.frequency });
  const basis = row.time_basis === undefined ? {} : { time_basis: at(row.time_basis, timeScore) };
  const frequency = row.reporting_frequency === undefined ? {} : { reporting_frequency: at(row.reporting_frequency, timeScore) };
  return {
    family: at(row.family, category),
    type: at(row.type, category),
    temporal_aggregation: at(row.temporal_aggregation, category),
    is_currency_denominated: at(row.is_currency_denominated, category),
    orientation: at(row.orientation, cueConfidence(row.cues.orientation, weights.orientation)),
    ...basis,
    ...frequency,
  };
}

/** Each fold's weights are fitted on its training part: the held-out figures never saw their rows. */
const refitWeights: Refit<EvalRow> = (training) => {
  const weights = fitAll(fitData(training));
  return (row) => rescored(row, weights);
};

/** The time stage's answer scored against the basis the label implies; none when it implies none. */
function scoreTimeBasis(c: Classification, expected: Expected): Scored | undefined {
  const want = impliedTimeBasis(expected.temporal_aggregation);
  return want === null ? undefined : { confidence: c.time.confidence, correct: c.time.time_basis === want };
}

/**
 * The time stage's frequency scored against the labeled one, with the stage's confidence (the one the
 * router reads: one question answers frequency and basis); none when the row labels no frequency.
 */
function scoreFrequency(c: Classification, frequency: LabeledIndicator['frequency']): Scored | undefined {
  return frequency === null ? undefined : { confidence: c.time.confidence, correct: c.time.reporting_frequency === frequency };
}

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

  const rows: EvalRow[] = [];
  const rules = options.classify === undefined;
  if (options.fit === true && !rules) throw new Error('a fit of the confidence weights needs the rules as the classifier');
  for (const { indicator, expected, frequency } of labeled) {
    const classification = classify(indicator);
    const row: Partial<Record<EvalField, Scored>> = {};
    for (const field of EVAL_FIELDS) {
      const got = answer(classification, field);
      const want = String(expected[field satisfies keyof Expected]);
      const one = { confidence: got.confidence, correct: got.value === want };
      row[field] = one;
      if (got.value === want) {
        agreeCounts.set(field, (agreeCounts.get(field) ?? 0) + 1);
      } else {
        disagreements.push({ id: indicator.id, name: indicator.name, field, expected: want, got: got.value, reason: got.reason });
      }
    }
    const basis = scoreTimeBasis(classification, expected);
    const reported = scoreFrequency(classification, frequency);
    rows.push({
      ...(row as ScoredRow),
      ...(basis === undefined ? {} : { time_basis: basis }),
      ...(reported === undefined ? {} : { reporting_frequency: reported }),
      id: indicator.id,
      cues: rules ? ruleCuesOf(indicator) : null,
    });
  }
  const total = labeled.length;
  const fields = Object.fromEntries(
    EVAL_FIELDS.map((field) => {
      const agree = agreeCounts.get(field) ?? 0;
      return [field, { agree, total, rate: total === 0 ? 0 : agree / total }];
    }),
  ) as Record<EvalField, FieldScore>;
  const calibration = Object.fromEntries(
    CALIBRATED_FIELDS.map((field) => [field, calibrate(scoresOf(rows, field), threshold)]),
  ) as Record<CalibratedField, FieldCalibration>;
  const crossValidation = options.folds === undefined ? null : crossValidate(rows, CALIBRATED_FIELDS, options.folds, rules ? refitWeights : undefined);
  const data = fitData(rows);
  const fitted = options.fit === true ? { weights: fitAll(data), counts: fitCounts(data) } : null;
  return {
    total,
    fields,
    confusions: countConfusions(disagreements),
    disagreements,
    threshold,
    calibration,
    sweep: sweep(rows, CALIBRATED_FIELDS),
    chosenThreshold: chooseThreshold(rows),
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

/**
 * Out-of-fold router figures: the threshold is chosen on k−1 folds of the labeled set and measured
 * on the fold it did not see, so the figures are not measured on the examples they were tuned on.
 */
import { expectedCalibrationError, reliabilityBins, routerAt, type ReliabilityBin, type Scored } from './calibration.js';
import type { CalibratedField, EvalField } from './labels.js';

/** The fields hybrid mode's quality rests on (issue 12's targets): recall is maximized over these. */
export const ROUTED_FIELDS = ['family', 'type', 'temporal_aggregation'] as const satisfies readonly EvalField[];

/** The most of the answers the router may send to the LLM (issue 12's target). */
export const MAX_LOAD = 0.25;

/** Thresholds the trade-off is shown at: 0.30, 0.35, … 0.95. */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 14 }, (_, i) => Math.round((0.3 + i * 0.05) * 100) / 100);

/**
 * Thresholds a choice is made from: 0.30, 0.31, … 0.95. Confidences bunch (one cue set, one value), so
 * a coarse grid would jump over the load limit between two steps; the out-of-fold figures say whether
 * the finer choice holds on rows it did not see.
 */
export const CHOICE_GRID: readonly number[] = Array.from({ length: 66 }, (_, i) => Math.round((0.3 + i * 0.01) * 100) / 100);

/**
 * One labeled indicator's answers, per field. The time basis is scored only where the label implies
 * one (a temporal aggregation of not-applicable does not), the frequency only where the row labels it.
 */
export type ScoredRow = Readonly<Record<EvalField, Scored>> & {
  readonly time_basis?: Scored | undefined;
  readonly reporting_frequency?: Scored | undefined;
};

/** The answers to one field over the rows that score it. */
export function scoresOf(rows: readonly ScoredRow[], field: CalibratedField): Scored[] {
  return rows.flatMap((row) => row[field] ?? []);
}

export interface SweepPoint {
  readonly threshold: number;
  readonly fields: Partial<Record<CalibratedField, { readonly router_recall: number | null; readonly router_load: number }>>;
}

export interface CrossValidation {
  readonly k: number;
  /** Whether the confidence weights were fitted on each fold's training part too. */
  readonly fitted: boolean;
  /** The threshold each fold's training part chose, fold by fold. */
  readonly thresholds: readonly number[];
  /** Summed over the held-out folds: the router at each fold's threshold, and the reliability of the held-out confidences. */
  readonly fields: Partial<Record<
    CalibratedField,
    { readonly router_recall: number | null; readonly router_load: number; readonly wrong: number; readonly ece: number; readonly bins: readonly ReliabilityBin[] }
  >>;
  /** Router recall and load at each threshold of the grid, over the held-out confidences. */
  readonly sweep: readonly SweepPoint[];
}

/** Fitted on a training part, rescores any row (the held-out ones included) with what it fitted. */
export type Refit<R> = (training: readonly R[]) => (row: R) => ScoredRow;

/**
 * The threshold with the best mean recall over ROUTED_FIELDS whose load stays within MAX_LOAD on
 * every one of them; ties go to the lower load. Fields without a wrong answer count as recall 1.
 */
export function chooseThreshold(rows: readonly ScoredRow[]): number {
  let best = { threshold: CHOICE_GRID[0] ?? 0.3, recall: -1, load: Infinity };
  for (const threshold of CHOICE_GRID) {
    const routed = ROUTED_FIELDS.map((field) => routerAt(rows.map((r) => r[field]), threshold));
    const load = Math.max(...routed.map((r) => r.load));
    if (load > MAX_LOAD) continue;
    const recall = routed.reduce((sum, r) => sum + (r.recall ?? 1), 0) / routed.length;
    if (recall > best.recall || (recall === best.recall && load < best.load)) best = { threshold, recall, load };
  }
  return best.threshold;
}

/** Router recall and load at each threshold of the grid, on all rows. */
export function sweep(rows: readonly ScoredRow[], fields: readonly CalibratedField[]): SweepPoint[] {
  return THRESHOLD_GRID.map((threshold) => ({
    threshold,
    fields: Object.fromEntries(
      fields.map((field) => {
        const r = routerAt(scoresOf(rows, field), threshold);
        return [field, { router_recall: r.recall, router_load: r.load }];
      }),
    ),
  }));
}

/** A stable fold per row, from its id: the same file always splits the same way. */
function foldOf(id: string, k: number): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % k;
}

export function crossValidate<R extends ScoredRow & { readonly id: string }>(
  rows: readonly R[],
  fields: readonly CalibratedField[],
  k: number,
  refit?: Refit<R>,
): CrossValidation {
  const folds = rows.map((row, index) => foldOf(`${row.id}#${index}`, k));
  const thresholds: number[] = [];
  const heldOutScored: ScoredRow[] = [];
  const routed: { field: CalibratedField; threshold: number; scored: Scored }[] = [];
  for (let fold = 0; fold < k; fold += 1) {
    const training = rows.filter((_, i) => folds[i] !== fold);
    const heldOut = rows.filter((_, i) => folds[i] === fold);
    const score = refit === undefined ? (row: R): ScoredRow => row : refit(training);
    const threshold = chooseThreshold(training.map(score));
    thresholds.push(threshold);
    for (const row of heldOut) {
      const scored = score(row);
      heldOutScored.push(scored);
      for (const field of fields) {
        const one = scored[field];
        if (one !== undefined) routed.push({ field, threshold, scored: one });
      }
    }
  }
  type Out = NonNullable<CrossValidation['fields'][CalibratedField]>;
  const result = Object.fromEntries(
    fields.map((field): [CalibratedField, Out] => {
      const mine = routed.filter((r) => r.field === field);
      const wrong = mine.filter((r) => !r.scored.correct);
      const caught = wrong.filter((r) => r.scored.confidence < r.threshold).length;
      const load = mine.filter((r) => r.scored.confidence < r.threshold).length;
      const bins = reliabilityBins(mine.map((r) => r.scored));
      return [
        field,
        {
          router_recall: wrong.length === 0 ? null : caught / wrong.length,
          router_load: mine.length === 0 ? 0 : load / mine.length,
          wrong: wrong.length,
          ece: expectedCalibrationError(bins),
          bins,
        },
      ];
    }),
  ) as CrossValidation['fields'];
  return { k, fitted: refit !== undefined, thresholds, fields: result, sweep: sweep(heldOutScored, fields) };
}

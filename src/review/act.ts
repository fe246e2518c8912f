/**
 * Accepting or overriding fields, for one indicator or many (a consistency group): every change is
 * checked against the taxonomy on the label it would leave (machine values, overrides in force,
 * then this change), and all reviews of one request are recorded in one statement, or none.
 */
import type pg from 'pg';
import { applyChanges, Label, type LabelValue, type ReviewField } from '../domain/review-fields.js';
import { machineLabels, recordReviews, reviewsInForce, ReviewerName, ReviewNote, type NewReview, type ReviewRow } from '../db/overrides.js';

export type ReviewRequest =
  | { readonly action: 'accept'; readonly indicators: readonly string[]; readonly fields: readonly ReviewField[]; readonly reviewer: string; readonly note?: string | undefined }
  | { readonly action: 'override'; readonly indicators: readonly string[]; readonly changes: Partial<Label>; readonly reviewer: string; readonly note?: string | undefined };

/** A request refused as a whole, with every reason (one line each). */
export class ReviewRefused extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(reasons.length === 1 ? (reasons[0] ?? '') : `refused, nothing recorded:\n  ${reasons.join('\n  ')}`);
    this.name = 'ReviewRefused';
  }
}

/** Where a reviewer's name comes from when none is given (the terminal's flag, the page's field). */
export const REVIEWER_VARIABLE = 'CLASSIFY_REVIEWER';

/** The reviewer: the name given, else $CLASSIFY_REVIEWER; blank counts as none. Null: nobody named. */
export function chooseReviewer(given: string | undefined, env: NodeJS.ProcessEnv): string | null {
  for (const name of [given, env[REVIEWER_VARIABLE]]) {
    const trimmed = name?.trim() ?? '';
    if (trimmed !== '') return trimmed;
  }
  return null;
}

export interface ReviewOutcome {
  readonly indicators: number;
  /** Review rows recorded (one per indicator and field). */
  readonly recorded: number;
}

/** The label a reader sees now: the machine's with the overrides in force applied. */
export function effectiveLabel(machine: Label, reviews: readonly ReviewRow[]): Label {
  const overridden = reviews
    .filter((review) => review.action === 'override')
    .map((review) => [review.field, review.field === 'is_currency_denominated' ? review.new_value === 'true' : review.new_value] as const);
  return Label.parse({ ...machine, ...Object.fromEntries(overridden) });
}

export async function review(pool: pg.Pool, request: ReviewRequest): Promise<ReviewOutcome> {
  const reviewer = ReviewerName.safeParse(request.reviewer);
  const note = ReviewNote.optional().safeParse(request.note);
  const invalid = [reviewer, note].flatMap((parsed) => (parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)));
  const ids = [...new Set(request.indicators)];
  if (ids.length === 0) invalid.push('no indicator to review');
  const fields = request.action === 'accept' ? [...new Set(request.fields)] : (Object.keys(request.changes) as ReviewField[]);
  if (fields.length === 0) invalid.push('no field to review');
  if (invalid.length > 0 || !reviewer.success || !note.success) throw new ReviewRefused(invalid);

  const machine = await machineLabels(pool, ids);
  const missing = ids.filter((id) => !machine.has(id));
  if (missing.length > 0) throw new ReviewRefused([`not classified (nothing to review): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`]);
  const inForce = byIndicator(await reviewsInForce(pool, ids));

  const reasons: string[] = [];
  const rows: NewReview[] = [];
  for (const id of ids) {
    const current = machine.get(id);
    if (current === undefined) continue;
    const changes: Partial<Label> = request.action === 'accept' ? Object.fromEntries(fields.map((field) => [field, current.label[field]])) : request.changes;
    const next = applyChanges(effectiveLabel(current.label, inForce.get(id) ?? []), changes);
    if (!next.ok) {
      reasons.push(`${id}: ${next.error}`);
      continue;
    }
    for (const field of fields) {
      const value: LabelValue = next.value[field];
      rows.push({ indicator_id: id, field, action: request.action, old_value: current.label[field], new_value: value, content_hash: current.content_hash });
    }
  }
  if (reasons.length > 0) throw new ReviewRefused(reasons);
  const recorded = await recordReviews(pool, rows, reviewer.data, note.data === undefined || note.data === '' ? null : note.data);
  return { indicators: ids.length, recorded };
}

export function byIndicator(rows: readonly ReviewRow[]): Map<string, ReviewRow[]> {
  const map = new Map<string, ReviewRow[]>();
  for (const row of rows) map.set(row.indicator_id, [...(map.get(row.indicator_id) ?? []), row]);
  return map;
}

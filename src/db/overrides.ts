/**
 * The overrides table (migration 009): reviews of classified fields, append-only. The latest row per
 * (indicator, field) is the review in force. Machine rows are never touched: readers apply the
 * overrides in force when they read (`overriddenValues`, used by the export), so a run — plain,
 * --force, --retry-failed — has nothing of a review to overwrite.
 */
import type pg from 'pg';
import { z } from 'zod';
import { Label, ReviewField, valueText, type LabelValue } from '../domain/review-fields.js';

export const ReviewAction = z.enum(['accept', 'override']);
export type ReviewAction = z.infer<typeof ReviewAction>;

/** Who may be named as the reviewer: a short name, no control characters. */
export const ReviewerName = z
  .string()
  .trim()
  .min(1, 'a reviewer name is required')
  .max(100, 'a reviewer name is at most 100 characters')
  .regex(/^[^\p{Cc}]+$/u, 'a reviewer name may not hold control characters');
export const ReviewNote = z.string().trim().max(2_000, 'a note is at most 2,000 characters').regex(/^[^\0]*$/, 'a note may not hold NUL');

/** The latest review of each (indicator, field): the one in force. */
export const LATEST_REVIEWS = `SELECT DISTINCT ON (indicator_id, field) * FROM overrides ORDER BY indicator_id, field, id DESC`;

/** One review in force, with what it was made against. */
export interface ReviewRow {
  readonly id: number;
  readonly indicator_id: string;
  readonly field: ReviewField;
  readonly action: ReviewAction;
  readonly old_value: string;
  readonly new_value: string;
  readonly note: string | null;
  readonly reviewer: string;
  readonly content_hash: string;
  readonly created_at: Date;
  /** The indicator's content changed since (a new import): the review stays, and asks to be made again. */
  readonly needs_rereview: boolean;
}

/** The reviews in force of these indicators (every indicator when `ids` is null). */
export async function reviewsInForce(pool: pg.Pool, ids: readonly string[] | null): Promise<ReviewRow[]> {
  const { rows } = await pool.query<ReviewRow>(
    `SELECT r.id::float8 AS id, r.indicator_id, r.field, r.action, r.old_value, r.new_value, r.note, r.reviewer, r.content_hash, r.created_at,
            (s.content_hash IS DISTINCT FROM r.content_hash) AS needs_rereview
       FROM (SELECT DISTINCT ON (indicator_id, field) * FROM overrides
              WHERE $1::text[] IS NULL OR indicator_id = ANY($1::text[]) ORDER BY indicator_id, field, id DESC) r
       LEFT JOIN source_indicators s ON s.id = r.indicator_id
      ORDER BY r.indicator_id, r.field`,
    [ids === null ? null : [...ids]],
  );
  return rows;
}

/** The machine's label of each indicator (classifications row) and its current content hash. */
export interface MachineLabel {
  readonly indicator_id: string;
  readonly label: Label;
  /** The indicator's content now (catalog row), or the classified one when the catalog row is gone. */
  readonly content_hash: string;
}

export async function machineLabels(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, MachineLabel>> {
  const { rows } = await pool.query<Label & { indicator_id: string; content_hash: string }>(
    `SELECT c.indicator_id, c.family, c.type, c.temporal_aggregation, c.is_currency_denominated, c.orientation,
            coalesce(s.content_hash, c.content_hash) AS content_hash
       FROM classifications c LEFT JOIN source_indicators s ON s.id = c.indicator_id
      WHERE c.indicator_id = ANY($1::text[])`,
    [[...ids]],
  );
  return new Map(rows.map((row) => [row.indicator_id, { indicator_id: row.indicator_id, label: Label.parse(row), content_hash: row.content_hash }]));
}

/** One review to record. */
export interface NewReview {
  readonly indicator_id: string;
  readonly field: ReviewField;
  readonly action: ReviewAction;
  readonly old_value: LabelValue;
  readonly new_value: LabelValue;
  readonly content_hash: string;
}

/** Records every review in one statement (all or none), by one reviewer with one note. */
export async function recordReviews(pool: pg.Pool, reviews: readonly NewReview[], reviewer: string, note: string | null): Promise<number> {
  if (reviews.length === 0) return 0;
  const column = <K extends keyof NewReview>(key: K) => reviews.map((review) => review[key]);
  const { rowCount } = await pool.query(
    `INSERT INTO overrides (indicator_id, field, action, old_value, new_value, content_hash, reviewer, note)
     SELECT *, $7::text, $8::text FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      column('indicator_id'),
      column('field'),
      column('action'),
      column('old_value').map(valueText),
      column('new_value').map(valueText),
      column('content_hash'),
      reviewer,
      note,
    ],
  );
  return rowCount ?? 0;
}

/**
 * SQL for a LATERAL join on a classifications row `c` with its catalog row `s`: `v`, the overridden
 * values in force as a JSON object (field → text; NULL when none), and `stale`, whether any of them
 * was made against other content than the indicator's current one.
 */
export const OVERRIDDEN_VALUES = `(
  SELECT jsonb_object_agg(o.field, o.new_value) AS v, bool_or(o.content_hash IS DISTINCT FROM s.content_hash) AS stale
    FROM (SELECT DISTINCT ON (field) field, action, new_value, content_hash FROM overrides
           WHERE indicator_id = c.indicator_id ORDER BY field, id DESC) o
   WHERE o.action = 'override')`;

/** The value of `field` with the override in force applied (`ov` is the OVERRIDDEN_VALUES join). */
export function effectiveColumn(field: ReviewField): string {
  const cast = field === 'is_currency_denominated' ? '::boolean' : '';
  return `CASE WHEN ov.v ? '${field}' THEN (ov.v->>'${field}')${cast} ELSE c.${field} END`;
}

/** 'override' when any of `fields` is overridden, else the stage's own source column. */
export function effectiveSource(stage: string, fields: readonly ReviewField[]): string {
  return `CASE WHEN ov.v ?| array[${fields.map((f) => `'${f}'`).join(', ')}] THEN 'override' ELSE c.${stage}_source END`;
}

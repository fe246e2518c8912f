/**
 * The reviewed rows in the labeled-set format (src/eval/labels.ts, shared/data/labeled/dev.jsonl):
 * the indicator as stored, and as `expected` the label the team gave it — each reviewed field's
 * accepted or overridden value, the machine's value for a field nobody reviewed (`reviewed` lists
 * which fields a person decided). Reviews made on content that changed since are left out: they
 * are not the team's word on the indicator as it is now (counted in the outcome).
 */
import type pg from 'pg';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { Label, parseValue, type ReviewField } from '../domain/review-fields.js';
import { indicatorsById } from '../db/indicators.js';
import { machineLabels, reviewsInForce, type ReviewAction } from '../db/overrides.js';

export interface ReviewExportOutcome {
  readonly written: number;
  /** Indicators whose every review was made on older content (need re-review), not written. */
  readonly stale: number;
}

export interface ReviewedLine {
  readonly expected: Label;
  readonly reviewed: Partial<Record<ReviewField, ReviewAction>>;
}

export async function exportReviewed(pool: pg.Pool, out: Writable, pageSize = 500): Promise<ReviewExportOutcome> {
  let written = 0;
  let stale = 0;
  let after: string | null = null;
  for (;;) {
    const { rows }: { rows: { indicator_id: string }[] } = await pool.query<{ indicator_id: string }>(
      'SELECT DISTINCT indicator_id FROM overrides WHERE $1::text IS NULL OR indicator_id > $1 ORDER BY 1 LIMIT $2',
      [after, pageSize],
    );
    const ids = rows.map((row) => row.indicator_id);
    const [indicators, machine, reviews] = await Promise.all([indicatorsById(pool, ids), machineLabels(pool, ids), reviewsInForce(pool, ids)]);
    for (const id of ids) {
      const stored = indicators.get(id);
      const label = machine.get(id)?.label;
      const current = reviews.filter((review) => review.indicator_id === id && !review.needs_rereview);
      if (stored === undefined || label === undefined || current.length === 0) {
        stale += 1;
        continue;
      }
      const decided: Record<string, unknown> = {};
      const reviewed: Partial<Record<ReviewField, ReviewAction>> = {};
      for (const review of current) {
        const value = parseValue(review.field, review.new_value);
        if (!value.ok) throw new Error(`override ${review.id} of ${id}: ${value.error}`);
        decided[review.field] = value.value;
        reviewed[review.field] = review.action;
      }
      const line = { ...stored.indicator, expected: Label.parse({ ...label, ...decided }), reviewed };
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      written += 1;
    }
    const last = ids.at(-1);
    if (last === undefined || ids.length < pageSize) return { written, stale };
    after = last;
  }
}

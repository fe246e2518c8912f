/** What is in the database, for `classify status` and for sanity checks. */
import type pg from 'pg';
import { STAGE_TABLES } from './classifications.js';

export const TABLES = ['source_indicators', 'classifications', ...STAGE_TABLES, 'failures', 'runs', 'llm_cache', 'llm_requests'] as const;
export type TableName = (typeof TABLES)[number];

/** Rows per table, in one statement (so the counts are of one snapshot). */
export async function tableCounts(pool: pg.Pool): Promise<Record<TableName, number>> {
  const { rows } = await pool.query<Record<TableName, number>>(
    `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  const counts = rows[0];
  if (counts === undefined) throw new Error('table counts: no row');
  return counts;
}

export interface NewestClassification {
  readonly indicator_id: string;
  readonly run_id: string;
  readonly updated_at: Date;
}

export async function newestClassification(pool: pg.Pool): Promise<NewestClassification | null> {
  const { rows } = await pool.query<NewestClassification>(
    `SELECT indicator_id, run_id, updated_at FROM classifications ORDER BY updated_at DESC, indicator_id LIMIT 1`,
  );
  return rows[0] ?? null;
}

export interface FailureRow {
  readonly indicator_id: string;
  readonly run_id: string;
  readonly workflow_key: string;
  readonly stage: string;
  readonly reason: string;
  readonly attempts: number;
  readonly first_failed_at: Date;
  readonly last_failed_at: Date;
}

export async function recentFailures(pool: pg.Pool, limit = 10): Promise<FailureRow[]> {
  const { rows } = await pool.query<FailureRow>(
    `SELECT indicator_id, run_id, workflow_key, stage, reason, attempts, first_failed_at, last_failed_at
     FROM failures ORDER BY last_failed_at DESC, indicator_id LIMIT $1`,
    [limit],
  );
  return rows;
}

/**
 * Rows beyond one per indicator, over every per-indicator table. The primary keys make it 0 by
 * construction; this checks that claim against the data.
 */
export async function duplicateIds(pool: pg.Pool): Promise<number> {
  const perIndicator = ['classifications', ...STAGE_TABLES, 'failures'].map(
    (table) => `(SELECT count(*) - count(DISTINCT indicator_id) FROM ${table})`,
  );
  const { rows } = await pool.query<{ duplicates: number }>(
    `SELECT (${[...perIndicator, '(SELECT count(*) - count(DISTINCT id) FROM source_indicators)'].join(' + ')})::int AS duplicates`,
  );
  return rows[0]?.duplicates ?? 0;
}

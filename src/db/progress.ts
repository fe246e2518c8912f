/** How far a run's submitted workflows have got, read from what they saved. */
import type pg from 'pg';
import { CURRENT, current, FAILED, spent, unclassified } from './indicators.js';

export type FinishedOutcome = 'completed' | 'failed';

export interface Finished {
  readonly outcome: FinishedOutcome;
  /** When the classification was saved (completed only; the database's clock). */
  readonly savedAt: Date | null;
}

/**
 * Which of `keys` have finished: a classification (completed) or, without one, a failure (failed).
 * Keys are deterministic, so this counts exactly the submitted work, whichever run started it. A run
 * asks only about the few keys the engine already knew (their workflow may be an earlier run's);
 * the rest it reads from its change feed (src/db/changes.ts).
 */
export async function finishedKeys(pool: pg.Pool, keys: readonly string[]): Promise<Map<string, Finished>> {
  if (keys.length === 0) return new Map();
  const { rows } = await pool.query<{ key: string; saved_at: Date | null }>(
    `SELECT k.key, (SELECT c.updated_at FROM classifications c WHERE c.workflow_key = k.key LIMIT 1) AS saved_at
       FROM unnest($1::text[]) AS k(key)
      WHERE EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_key = k.key)
         OR EXISTS (SELECT 1 FROM failures f WHERE f.workflow_key = k.key)`,
    [keys],
  );
  return new Map(rows.map((row) => [row.key, { outcome: row.saved_at === null ? 'failed' : 'completed', savedAt: row.saved_at }]));
}

/** Workflows of a run saved per service process (classifications.service; null before it was recorded). */
export async function savesByService(pool: pg.Pool, runId: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ service: string | null; n: number }>(
    'SELECT service, count(*)::int AS n FROM classifications WHERE run_id = $1 GROUP BY service',
    [runId],
  );
  return new Map(rows.map((row) => [row.service ?? 'unknown', row.n]));
}

/**
 * The most frequent "stage: reason" of a run's failures: those it recorded, and those of keys it
 * found failed by an earlier run (a resubmitted key is not run again).
 */
export async function failureReasons(pool: pg.Pool, runId: string, failedKeys: readonly string[], limit: number): Promise<{ reason: string; count: number }[]> {
  const { rows } = await pool.query<{ reason: string; count: string }>(
    `SELECT stage || ': ' || reason AS reason, count(*) AS count FROM failures
      WHERE run_id = $1 OR workflow_key = ANY($2::text[]) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $3`,
    [runId, failedKeys, limit],
  );
  return rows.map((row) => ({ reason: row.reason, count: Number(row.count) }));
}

/**
 * Indicators stored; of those, what a plain run under `policy` submits (`unclassified`), what
 * `--retry-failed` submits (`failed`), the failed ones a plain run holds back (`heldBack`: not
 * classified, the key of their current content spent by a failed workflow), and those whose current
 * content is classified, but under another policy (`otherPolicy`: a plain run submits them again).
 * Without `policy`, any policy counts and `otherPolicy` is 0.
 */
export async function indicatorCounts(
  pool: pg.Pool,
  policy?: string,
): Promise<{ stored: number; unclassified: number; failed: number; heldBack: number; otherPolicy: number }> {
  const { rows } = await pool.query<{ stored: number; unclassified: number; failed: number; held_back: number; other_policy: number }>(
    `SELECT count(*)::int AS stored,
            count(*) FILTER (WHERE ${unclassified(policy)})::int AS unclassified,
            count(*) FILTER (WHERE ${FAILED})::int AS failed,
            count(*) FILTER (WHERE ${spent(policy)} AND NOT ${current(policy)})::int AS held_back,
            count(*) FILTER (WHERE ${CURRENT} AND NOT ${current(policy)} AND NOT ${spent(policy)})::int AS other_policy
       FROM source_indicators s`,
  );
  const row = rows[0];
  return {
    stored: row?.stored ?? 0,
    unclassified: row?.unclassified ?? 0,
    failed: row?.failed ?? 0,
    heldBack: row?.held_back ?? 0,
    otherPolicy: row?.other_policy ?? 0,
  };
}

/** How far a set of submitted workflows has got, read from what they saved. */
import type pg from 'pg';

export interface FinishedCounts {
  readonly completed: number;
  readonly failed: number;
}

/**
 * A workflow is finished when its key has a classification (completed) or a failure (failed).
 * Keys are deterministic, so this counts exactly the submitted work, whichever run started it.
 */
export async function finishedCounts(pool: pg.Pool, keys: readonly string[]): Promise<FinishedCounts> {
  if (keys.length === 0) return { completed: 0, failed: 0 };
  const { rows } = await pool.query<{ completed: string; failed: string }>(
    `SELECT (SELECT count(*) FROM classifications WHERE workflow_key = ANY($1::text[])) AS completed,
            (SELECT count(*) FROM failures f WHERE f.workflow_key = ANY($1::text[])
               AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_key = f.workflow_key)) AS failed`,
    [keys],
  );
  const row = rows[0];
  return { completed: Number(row?.completed ?? 0), failed: Number(row?.failed ?? 0) };
}

export async function failureReasons(pool: pg.Pool, keys: readonly string[], limit: number): Promise<{ reason: string; count: number }[]> {
  if (keys.length === 0) return [];
  const { rows } = await pool.query<{ reason: string; count: string }>(
    `SELECT stage || ': ' || reason AS reason, count(*) AS count FROM failures
      WHERE workflow_key = ANY($1::text[]) GROUP BY 1 ORDER BY 2 DESC LIMIT $2`,
    [keys, limit],
  );
  return rows.map((row) => ({ reason: row.reason, count: Number(row.count) }));
}

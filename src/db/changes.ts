/**
 * A run's completions as a change feed: each read returns the classifications and failures of the
 * run written since the previous read, never a row twice and never one missed, so a poll costs what
 * changed, not what the run has submitted so far.
 *
 * Rows carry the id of the transaction that wrote them (migration 6). Each read also returns its own
 * snapshot: the rows it saw were written by transactions below the snapshot's xmax and not in its
 * in-progress list; a row it could not see yet was written by one in that list or at/after xmax.
 * The next read asks for exactly those, so a transaction that took long to commit is read when it
 * does, and nothing read before comes back (a row written again, e.g. a replayed save from another
 * process, comes back as a new change; the reader ignores keys it has already finished).
 */
import type pg from 'pg';
import type { Finished } from './progress.js';

/** A row of the run: the workflow key that wrote it and how it finished. */
export interface Change extends Finished {
  readonly key: string;
}

/** Where the previous read stopped: its snapshot's xmax and the transactions it saw in progress (xid8 as decimal text). */
export interface Watermark {
  readonly xmax: string;
  readonly inProgress: readonly string[];
}

/** Before the first read: every row of the run is new. */
export const START: Watermark = { xmax: '0', inProgress: [] };

/**
 * The run's rows written after `since`, and the watermark to read from next. One statement, so the
 * snapshot it returns is the one its rows were read under.
 */
export async function readChanges(pool: pg.Pool, runId: string, since: Watermark): Promise<{ changes: Change[]; next: Watermark }> {
  const changed = `run_id = $1 AND (change_xid >= $2::xid8 OR change_xid = ANY($3::xid8[]))`;
  const { rows } = await pool.query<{ xmax: string; xip: string[]; key: string | null; saved_at: Date | null; failed: boolean | null }>(
    `WITH snap AS (SELECT pg_current_snapshot() AS s)
     SELECT pg_snapshot_xmax(snap.s)::text AS xmax,
            ARRAY(SELECT x::text FROM pg_snapshot_xip(snap.s) AS x) AS xip,
            c.key, c.saved_at, c.failed
       FROM snap LEFT JOIN (
         SELECT workflow_key AS key, updated_at AS saved_at, false AS failed FROM classifications WHERE ${changed}
         UNION ALL
         SELECT workflow_key, NULL, true FROM failures WHERE ${changed}
       ) c ON true`,
    [runId, since.xmax, since.inProgress],
  );
  const first = rows[0];
  if (first === undefined) throw new Error('the change feed read no snapshot');
  const changes: Change[] = [];
  for (const row of rows) {
    if (row.key === null) continue;
    changes.push(row.failed === true ? { key: row.key, outcome: 'failed', savedAt: null } : { key: row.key, outcome: 'completed', savedAt: row.saved_at });
  }
  return { changes, next: { xmax: first.xmax, inProgress: first.xip } };
}

export interface ChangeFeed {
  /** The run's rows written since the last call that succeeded (a failed read loses nothing: the next one reads it again). */
  next(): Promise<Change[]>;
}

export function changeFeed(pool: pg.Pool, runId: string): ChangeFeed {
  let watermark = START;
  return {
    async next() {
      const { changes, next } = await readChanges(pool, runId, watermark);
      watermark = next;
      return changes;
    },
  };
}

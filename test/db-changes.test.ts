/**
 * The run's change feed (src/db/changes.ts) and the completion tracker it drives, against real
 * databases: PGlite always, Postgres when TEST_DATABASE_URL is set. The guarantees: every row the
 * run writes is read once, never twice, whatever order transactions commit in; a poll reads what
 * changed, not the run so far; and a tracker on the feed finishes exactly the submitted set, with
 * counts equal to the database's rows of the run.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { changeFeed, type Change } from '../src/db/changes.js';
import { createStore, saveStatement } from '../src/db/classifications.js';
import { contentHash } from '../src/db/indicators.js';
import { finishedKeys } from '../src/db/progress.js';
import { trackCompletions } from '../src/runner/completions.js';
import { submissionWindow } from '../src/runner/window.js';
import { BACKENDS, classify, indicator, useDatabase } from './db-helpers.js';

const RUN = 'run-feed';

/** The workflow key of indicator `id` in `runId` (distinct per run, as under --force). */
const keyOf = (id: string, runId = RUN): string => `${id}:${runId}`;

function saveInput(id: string, runId: string) {
  const item = indicator(id);
  return { runId, workflowKey: keyOf(id, runId), contentHash: contentHash(item), classification: classify(item) };
}

async function save(db: pg.Pool | pg.PoolClient, id: string, runId = RUN): Promise<void> {
  const { text, values } = saveStatement(saveInput(id, runId), 'test:1');
  await db.query(text, values);
}

async function fail(pool: pg.Pool, id: string, runId = RUN): Promise<void> {
  await createStore(pool).recordFailure({ runId, indicatorId: id, workflowKey: keyOf(id, runId), stage: 'family', reason: 'boom', attempts: 3 });
}

const keys = (changes: readonly Change[]): string[] => changes.map((change) => change.key).sort();

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`the change feed on ${name}`, () => {
    const database = useDatabase(name);

    it("reads each of the run's saves and failures once, and nothing of other runs", async () => {
      const { pool } = database.db;
      const feed = changeFeed(pool, RUN);
      await save(pool, 'i1');
      await save(pool, 'i2');
      await fail(pool, 'i3');
      await save(pool, 'other', 'run-other');
      await fail(pool, 'other-failed', 'run-other');
      const first = await feed.next();
      expect(keys(first)).toEqual([keyOf('i1'), keyOf('i2'), keyOf('i3')]);
      expect(first.find((change) => change.key === keyOf('i3'))).toEqual({ key: keyOf('i3'), outcome: 'failed', savedAt: null });
      expect(first.filter((change) => change.outcome === 'completed').every((change) => change.savedAt instanceof Date)).toBe(true);
      // Read again: nothing new, and a save repeated with the same values (a replay) rewrites nothing.
      expect(await feed.next()).toEqual([]);
      await save(pool, 'i1');
      expect(await feed.next()).toEqual([]);
      // Another run's row classified again by this one (--force updates the row in place): a change of this run.
      await save(pool, 'other');
      expect(keys(await feed.next())).toEqual([keyOf('other')]);
      expect(await feed.next()).toEqual([]);
    });

    it('a tracker driven by the feed finishes exactly the submitted set; its counts are the database rows of the run', async () => {
      const { pool } = database.db;
      const feed = changeFeed(pool, RUN);
      let read = 0;
      const completions = trackCompletions({
        changes: async () => {
          const changes = await feed.next();
          read += changes.length;
          return changes;
        },
        lookup: (asked) => finishedKeys(pool, asked),
      });
      const ids = Array.from({ length: 60 }, (_, i) => `ind-${String(i).padStart(2, '0')}`);
      // An indicator an earlier run classified: its workflow key the engine knew (a duplicate), its row of that run.
      await save(pool, 'earlier', 'run-earlier');
      completions.add(keyOf('earlier', 'run-earlier'), Date.now(), true);
      // One saved before the runner had the engine's answer: read before it is added, claimed once it is.
      await save(pool, ids[0] ?? '');
      expect(await completions.poll()).toBe(1);
      for (const id of ids) completions.add(keyOf(id), Date.now());
      // The rest written concurrently (commits in any order), polled while they are written.
      const writes = ids.slice(1).map(async (id, i) => {
        await (i % 10 === 0 ? fail(pool, id) : save(pool, id));
      });
      const written = { all: false };
      const polling = (async () => {
        while (!written.all) await completions.poll();
      })();
      await Promise.all(writes);
      written.all = true;
      await polling;
      // Everything is committed: one more poll sees the rest, however the commits were ordered.
      await completions.poll();

      const { rows } = await pool.query<{ saved: number; failed: number }>(
        `SELECT (SELECT count(*)::int FROM classifications WHERE run_id = $1) AS saved, (SELECT count(*)::int FROM failures WHERE run_id = $1) AS failed`,
        [RUN],
      );
      expect({ completed: completions.completed, failed: completions.failed, pending: completions.pending }).toEqual({
        completed: (rows[0]?.saved ?? 0) + 1,
        failed: rows[0]?.failed,
        pending: 0,
      });
      expect(completions.completed + completions.failed).toBe(ids.length + 1);
      expect([...completions.failedKeys].sort()).toEqual(ids.slice(1).filter((_, i) => i % 10 === 0).map((id) => keyOf(id)).sort());
      // Every row of the run was read once: the polls read what changed, not the run so far.
      expect(read).toBe(ids.length);
      expect(await completions.poll()).toBe(0);
      expect(read).toBe(ids.length);
    });

    it('a window driven by the feed holds at most its max unfinished, and the run finishes exactly what it submitted', async () => {
      const { pool } = database.db;
      const feed = changeFeed(pool, RUN);
      const completions = trackCompletions({ changes: () => feed.next(), lookup: (asked) => finishedKeys(pool, asked) });
      const max = 5;
      const window = submissionWindow({ max, outstanding: () => completions.pending, pollMs: 5 });
      const ids = Array.from({ length: 40 }, (_, i) => `win-${String(i).padStart(2, '0')}`);
      // What the progress line shows after each poll: finished so far.
      const shown: number[] = [];
      const submitting = { on: true };
      const polling = (async () => {
        while (submitting.on) {
          await completions.poll();
          shown.push(completions.completed + completions.failed);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      let most = 0;
      const workflows: Promise<void>[] = [];
      for (const id of ids) {
        await window.room();
        completions.add(keyOf(id), Date.now());
        most = Math.max(most, completions.pending);
        // The workflow runs while the next ones are submitted, and saves when it is done.
        workflows.push(save(pool, id));
      }
      await Promise.all(workflows);
      submitting.on = false;
      await polling;
      await completions.poll();
      shown.push(completions.completed + completions.failed);

      // The window held (and was reached: more than one submission was unfinished at a time).
      expect(most).toBeLessThanOrEqual(max);
      expect(most).toBeGreaterThan(1);
      expect({ completed: completions.completed, failed: completions.failed, pending: completions.pending }).toEqual({ completed: ids.length, failed: 0, pending: 0 });
      const { rows } = await pool.query<{ key: string }>('SELECT workflow_key AS key FROM classifications WHERE run_id = $1 ORDER BY 1', [RUN]);
      expect(rows.map((row) => row.key)).toEqual(ids.map((id) => keyOf(id)));
      // The counts the progress shows only grow, up to exactly the submitted set.
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      expect(shown.at(-1)).toBe(ids.length);
    });

    // PGlite runs one session for every connection, so its transactions cannot overlap.
    it.runIf(name === 'postgres')('a transaction that commits after a later one is read when it commits, once', async () => {
      const { pool } = database.db;
      const feed = changeFeed(pool, RUN);
      const slow = await pool.connect();
      const fast = await pool.connect();
      try {
        await slow.query('BEGIN');
        await save(slow, 'slow');
        await fast.query('BEGIN');
        await save(fast, 'fast');
        const xids = await Promise.all([slow, fast].map(async (client) => (await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]?.xid ?? ''));
        // The slow one wrote first: its transaction id (and its save time) is the lower one.
        expect(BigInt(xids[0] ?? '0')).toBeLessThan(BigInt(xids[1] ?? '0'));
        await fast.query('COMMIT');
        expect(keys(await feed.next())).toEqual([keyOf('fast')]);
        await slow.query('COMMIT');
        expect(keys(await feed.next())).toEqual([keyOf('slow')]);
        expect(await feed.next()).toEqual([]);
      } finally {
        await slow.query('ROLLBACK').catch(() => undefined);
        await fast.query('ROLLBACK').catch(() => undefined);
        slow.release();
        fast.release();
      }
    });

    it.runIf(name === 'postgres')('a transaction rolled back leaves nothing to read', async () => {
      const { pool } = database.db;
      const feed = changeFeed(pool, RUN);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await save(client, 'gone');
        expect(await feed.next()).toEqual([]);
        await client.query('ROLLBACK');
        await save(pool, 'kept');
        expect(keys(await feed.next())).toEqual([keyOf('kept')]);
        expect(await feed.next()).toEqual([]);
      } finally {
        client.release();
      }
    });
  });
}

/**
 * Reruns in the database (issue 11, item 4), on PGlite and on Postgres: a save of older content that
 * arrives last never replaces the classification of the indicator's current content, and the
 * indicators whose last attempt failed are what `--retry-failed` lists (and a plain rerun does not).
 */
import { describe, expect, it } from 'vitest';
import { createStore, STAGE_TABLES } from '../src/db/classifications.js';
import { contentHash, listIndicators, upsertIndicators } from '../src/db/indicators.js';
import { indicatorCounts } from '../src/db/progress.js';
import { workflowKey } from '../src/workflow/keys.js';
import { policyTag } from '../src/workflow/policy-tag.js';
import { BACKENDS, classify, indicator, useDatabase } from './db-helpers.js';

const PER_INDICATOR = ['classifications', ...STAGE_TABLES] as const;

const RULES = policyTag({ mode: 'rules' });
const HYBRID = policyTag({ mode: 'hybrid', threshold: 0.7, provider: 'openai-compatible', model: 'sim-1', promptVersion: 'v1' });
const HYBRID_NEW_PROMPT = policyTag({ mode: 'hybrid', threshold: 0.7, provider: 'openai-compatible', model: 'sim-1', promptVersion: 'v2' });

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`reruns on ${name}`, () => {
    const database = useDatabase(name);

    async function save(item: ReturnType<typeof indicator>, runId: string): Promise<void> {
      const store = createStore(database.db.pool);
      await store.saveClassification({ runId, workflowKey: workflowKey(item).key, contentHash: contentHash(item), classification: classify(item) });
    }

    /** The run that wrote the indicator's row in each per-indicator table, and the wide row's hash. */
    async function writtenBy(id: string): Promise<{ runs: Record<string, string | undefined>; hash: string | undefined }> {
      const runs: Record<string, string | undefined> = {};
      for (const table of PER_INDICATOR) {
        const { rows } = await database.db.pool.query<{ run_id: string }>(`SELECT run_id FROM ${table} WHERE indicator_id = $1`, [id]);
        runs[table] = rows[0]?.run_id;
      }
      const { rows } = await database.db.pool.query<{ content_hash: string }>('SELECT content_hash FROM classifications WHERE indicator_id = $1', [id]);
      return { runs, hash: rows[0]?.content_hash };
    }

    const everyTable = (runId: string): Record<string, string> => Object.fromEntries(PER_INDICATOR.map((table) => [table, runId]));

    describe('a save of older content', () => {
      const older = indicator('gdp', { units: '%' });
      const newer = indicator('gdp', { units: 'percent of GDP' });

      it('arriving after the save of the current content changes no row, and clears no failure', async () => {
        await upsertIndicators(database.db.pool, [older]);
        await upsertIndicators(database.db.pool, [newer]);
        await save(newer, 'run-new');
        await createStore(database.db.pool).recordFailure({
          runId: 'run-new',
          indicatorId: 'gdp',
          workflowKey: workflowKey(newer, { force: { runId: 'run-forced' } }).key,
          stage: 'family',
          reason: 'boom',
          attempts: 1,
        });
        await save(older, 'run-old');
        expect(await writtenBy('gdp')).toEqual({ runs: everyTable('run-new'), hash: contentHash(newer) });
        const { rows } = await database.db.pool.query<{ run_id: string }>('SELECT run_id FROM failures');
        expect(rows).toEqual([{ run_id: 'run-new' }]);
      });

      it('arriving first is replaced by the current content', async () => {
        await upsertIndicators(database.db.pool, [older]);
        await upsertIndicators(database.db.pool, [newer]);
        await save(older, 'run-old');
        expect((await writtenBy('gdp')).hash).toBe(contentHash(older));
        await save(newer, 'run-new');
        expect(await writtenBy('gdp')).toEqual({ runs: everyTable('run-new'), hash: contentHash(newer) });
      });

      it('two stale saves: the later one is written (neither is current, the next run classifies it again)', async () => {
        const newest = indicator('gdp', { units: 'index' });
        await upsertIndicators(database.db.pool, [newest]);
        await save(older, 'run-1');
        await save(newer, 'run-2');
        expect(await writtenBy('gdp')).toEqual({ runs: everyTable('run-2'), hash: contentHash(newer) });
        expect((await listIndicators(database.db.pool, { onlyUnclassified: true })).map((row) => row.indicator.id)).toEqual(['gdp']);
      });

      it('racing the current content on many connections: the current content wins in every table', async () => {
        await upsertIndicators(database.db.pool, [newer]);
        // The current content first, then 19 saves of the older one: without the check the last one wins.
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i === 0 ? save(newer, 'run-new') : save(older, 'run-old'))));
        expect(await writtenBy('gdp')).toEqual({ runs: everyTable('run-new'), hash: contentHash(newer) });
      });

      it('an indicator not in the catalog: the later save is written, as before', async () => {
        await save(older, 'run-1');
        await save(newer, 'run-2');
        expect(await writtenBy('gdp')).toEqual({ runs: everyTable('run-2'), hash: contentHash(newer) });
      });
    });

    describe('failed indicators', () => {
      const ok = indicator('ok');
      const failed = indicator('failed');
      const forcedFailed = indicator('forced-failed');
      const changed = indicator('changed', { units: '%' });

      async function fail(item: ReturnType<typeof indicator>, key: string, stage = 'save'): Promise<void> {
        await createStore(database.db.pool).recordFailure({ runId: 'run-1', indicatorId: item.id, workflowKey: key, stage, reason: 'refused', attempts: 1 });
      }

      async function ids(only: 'unclassified' | 'failed'): Promise<string[]> {
        const rows = await listIndicators(database.db.pool, only === 'failed' ? { onlyUnclassified: false, onlyFailed: true } : { onlyUnclassified: true });
        return rows.map((row) => row.indicator.id);
      }

      it('--retry-failed lists the indicators whose last attempt failed; a plain rerun lists none of those that failed on their current content', async () => {
        await upsertIndicators(database.db.pool, [ok, failed, forcedFailed, changed]);
        await save(ok, 'run-1');
        await fail(failed, workflowKey(failed).key);
        // A forced run failed an indicator classified before: its last attempt failed.
        await save(forcedFailed, 'run-0');
        await fail(forcedFailed, workflowKey(forcedFailed, { force: { runId: 'run-1' } }).key);
        // Failed on content it no longer has: a plain rerun classifies the new content under a new key.
        await fail(changed, workflowKey(changed).key);
        await upsertIndicators(database.db.pool, [indicator('changed', { units: 'percent' })]);

        expect(await ids('failed')).toEqual(['changed', 'failed', 'forced-failed']);
        expect(await ids('unclassified')).toEqual(['changed']);
        expect(await indicatorCounts(database.db.pool)).toEqual({ stored: 4, unclassified: 1, failed: 3, heldBack: 1, otherPolicy: 0 });
      });

      it('a late failure of older content does not replace the failure of the current content', async () => {
        const older = indicator('gdp', { units: '%' });
        const newer = indicator('gdp', { units: 'percent of GDP' });
        await upsertIndicators(database.db.pool, [newer]);
        await fail(newer, workflowKey(newer).key);
        await fail(older, workflowKey(older).key, 'family');
        const { rows } = await database.db.pool.query<{ workflow_key: string; stage: string }>('SELECT workflow_key, stage FROM failures');
        expect(rows).toEqual([{ workflow_key: workflowKey(newer).key, stage: 'save' }]);
        expect(await indicatorCounts(database.db.pool)).toEqual({ stored: 1, unclassified: 0, failed: 1, heldBack: 1, otherPolicy: 0 });
        // A failure of the current content replaces one of older content.
        await upsertIndicators(database.db.pool, [older]);
        await fail(older, workflowKey(older).key, 'family');
        expect((await database.db.pool.query<{ stage: string }>('SELECT stage FROM failures')).rows).toEqual([{ stage: 'family' }]);
      });

      it('a submission the engine refused ran nothing: a plain rerun sends it again, and so does --retry-failed', async () => {
        const refused = indicator('refused');
        await upsertIndicators(database.db.pool, [refused]);
        await fail(refused, workflowKey(refused).key, 'submit');
        expect(await ids('failed')).toEqual(['refused']);
        expect(await ids('unclassified')).toEqual(['refused']);
        expect(await indicatorCounts(database.db.pool)).toEqual({ stored: 1, unclassified: 1, failed: 1, heldBack: 0, otherPolicy: 0 });
      });
    });

    describe('a change of policy (mode, threshold, model, prompt version)', () => {
      const items = ['a', 'b', 'c'].map((id) => indicator(id));

      async function saveUnder(item: ReturnType<typeof indicator>, policy: string | undefined, runId: string): Promise<void> {
        await createStore(database.db.pool).saveClassification({
          runId,
          workflowKey: workflowKey(item, { policy }).key,
          contentHash: contentHash(item),
          classification: classify(item),
        });
      }

      async function plain(policy: string | undefined): Promise<string[]> {
        return (await listIndicators(database.db.pool, { onlyUnclassified: true, policy })).map((row) => row.indicator.id);
      }

      it('a plain run lists what was classified under another policy, and nothing when run under the same one again', async () => {
        await upsertIndicators(database.db.pool, items);
        for (const item of items) await saveUnder(item, RULES, 'run-rules');
        expect(await plain(RULES)).toEqual([]);
        expect(await plain(HYBRID)).toEqual(['a', 'b', 'c']);
        expect(await indicatorCounts(database.db.pool, HYBRID)).toEqual({ stored: 3, unclassified: 3, failed: 0, heldBack: 0, otherPolicy: 3 });

        // The hybrid run classifies one; its row records the policy its key carries.
        await saveUnder(items[0] ?? indicator('a'), HYBRID, 'run-hybrid');
        const { rows } = await database.db.pool.query<{ indicator_id: string; policy: string }>('SELECT indicator_id, policy FROM classifications ORDER BY indicator_id');
        expect(rows).toEqual([
          { indicator_id: 'a', policy: HYBRID },
          { indicator_id: 'b', policy: RULES },
          { indicator_id: 'c', policy: RULES },
        ]);
        expect(await plain(HYBRID)).toEqual(['b', 'c']);
        expect(await plain(RULES)).toEqual(['a']);
        // A new prompt version is a new policy: everything again.
        expect(await plain(HYBRID_NEW_PROMPT)).toEqual(['a', 'b', 'c']);
        // Content alone (no policy given) as before: all classified.
        expect(await plain(undefined)).toEqual([]);
      });

      it('a failure spends the key of its own policy only', async () => {
        const item = indicator('a');
        await upsertIndicators(database.db.pool, [item]);
        await saveUnder(item, RULES, 'run-rules');
        await createStore(database.db.pool).recordFailure({
          runId: 'run-hybrid', indicatorId: 'a', workflowKey: workflowKey(item, { policy: HYBRID }).key, stage: 'family', reason: 'boom', attempts: 1,
        });
        // Under the hybrid policy the key is spent: held back for --retry-failed.
        expect(await plain(HYBRID)).toEqual([]);
        expect(await indicatorCounts(database.db.pool, HYBRID)).toEqual({ stored: 1, unclassified: 0, failed: 1, heldBack: 1, otherPolicy: 0 });
        // Another policy's key is new to the engine: a plain run under it submits the indicator.
        expect(await plain(HYBRID_NEW_PROMPT)).toEqual(['a']);
      });

      it('a row saved before keys carried a policy counts as of no current policy', async () => {
        const item = indicator('a');
        await upsertIndicators(database.db.pool, [item]);
        await saveUnder(item, undefined, 'run-old');
        const { rows } = await database.db.pool.query<{ policy: string | null }>('SELECT policy FROM classifications');
        expect(rows).toEqual([{ policy: null }]);
        expect(await plain(RULES)).toEqual(['a']);
        expect(await plain(undefined)).toEqual([]);
      });
    });
  });
}

/**
 * The database layer against real databases, the same suite on each: PGlite always, Postgres when
 * TEST_DATABASE_URL is set. No mocks: these are the statements the product runs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, REVIEW_CONFIDENCE, STAGE_TABLES } from '../src/db/classifications.js';
import { EXPORT_COLUMNS, exportClassifications, type ExportFormat } from '../src/db/export.js';
import { contentHash, importCatalog, listIndicators, streamIndicators, upsertIndicators } from '../src/db/indicators.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { listRuns } from '../src/db/read-models.js';
import { beat, createRun, finishRun, getRun, LOST_AFTER_S } from '../src/db/runs.js';
import { duplicateIds, newestClassification, recentFailures, tableCounts, TABLES } from '../src/db/status.js';
import type { ClassificationStore } from '../src/db/store.js';
import type { Classification } from '../src/domain/results.js';
import { BACKENDS, classify, indicator, ndjsonFile, useDatabase } from './db-helpers.js';

const PER_INDICATOR = ['classifications', ...STAGE_TABLES] as const;

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`database on ${name}`, () => {
    const database = useDatabase(name);
    let store: ClassificationStore;
    let dir = '';

    beforeAll(async () => {
      store = createStore(database.db.pool);
      dir = await mkdtemp(join(tmpdir(), 'classify-db-files-'));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** Saves the rules' classification of `item` as run `runId`. */
    async function save(item: ReturnType<typeof indicator>, runId = 'run-1', classification: Classification = classify(item)) {
      await store.saveClassification({ runId, workflowKey: `${item.id}:${contentHash(item).slice(0, 16)}`, contentHash: contentHash(item), classification });
    }

    async function count(table: string): Promise<number> {
      const { rows } = await database.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? -1;
    }

    describe('migrations', () => {
      it('are applied once: opening again applies nothing and keeps one row per version', async () => {
        expect(database.db.kind).toBe(name);
        const again = await database.backend.open();
        try {
          const { rows } = await again.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
          expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
          // Every table of the product exists.
          expect(Object.keys(await tableCounts(again.pool)).sort()).toEqual([...TABLES].sort());
          if (name === 'pglite') expect(again.url).toBe(database.db.url); // the same embedded server, shared
        } finally {
          await again.close();
        }
        // Closing the second Database left the first one working.
        expect(await count('schema_migrations')).toBe(MIGRATIONS.length);
      });

      it('rejects values outside the taxonomy and a type outside its family', async () => {
        const item = indicator('enum-1');
        const good = classify(item);
        const badFamily = { ...good, family: { ...good.family, family: 'bogus' } } as unknown as Classification;
        await expect(save(item, 'run-1', badFamily)).rejects.toThrow(/check constraint/);
        const badPair = {
          ...good,
          family: { ...good.family, family: 'temporal' },
          type: { ...good.type, type: 'index' },
        } as unknown as Classification;
        await expect(save(item, 'run-1', badPair)).rejects.toThrow(/family_type_pair/);
        // The failed statement wrote nothing at all, in no table.
        for (const table of PER_INDICATOR) expect(await count(table)).toBe(0);
      });
    });

    describe('import', () => {
      it('upserts: re-import changes nothing, changed content updates the row and its hash', async () => {
        const a = indicator('a');
        const b = indicator('b', { name: 'Unemployment Rate' });
        const rejected: number[] = [];
        const path = await ndjsonFile(dir, 'catalog.ndjson', [a, b, '{"id": "c"}', indicator('d', { units: 'USD Million' })]);
        const first = await importCatalog(database.db.pool, path, { onRejected: (row) => rejected.push(row.line) });
        expect(first).toMatchObject({ read: 4, accepted: 3, rejected: 1, inserted: 3, updated: 0, unchanged: 0 });
        expect(rejected).toEqual([3]);

        const before = await database.db.pool.query<{ id: string; content_hash: string; updated_at: Date }>('SELECT id, content_hash, updated_at FROM source_indicators ORDER BY id');
        const again = await importCatalog(database.db.pool, path);
        expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
        const same = await database.db.pool.query<{ id: string; content_hash: string; updated_at: Date }>('SELECT id, content_hash, updated_at FROM source_indicators ORDER BY id');
        expect(same.rows).toEqual(before.rows);

        const changedB = indicator('b', { name: 'Unemployment Rate', units: 'percent of labour force' });
        const changedPath = await ndjsonFile(dir, 'changed.ndjson', [a, changedB]);
        expect(await importCatalog(database.db.pool, changedPath)).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
        expect(await count('source_indicators')).toBe(3);
        const { rows } = await database.db.pool.query<{ units: string; content_hash: string }>("SELECT units, content_hash FROM source_indicators WHERE id = 'b'");
        expect(rows[0]).toEqual({ units: 'percent of labour force', content_hash: contentHash(changedB) });
        expect(await duplicateIds(database.db.pool)).toBe(0);
      });

      it('reads CSV too, and a repeated id in one call keeps the last', async () => {
        const path = join(dir, 'catalog.csv');
        await writeFile(path, 'id,name,units,sample_values\nx,Exports,USD Million,"[{""date"":""2024"",""value"":1}]"\ny,,%,\n');
        expect(await importCatalog(database.db.pool, path)).toMatchObject({ read: 2, accepted: 1, rejected: 1, inserted: 1 });
        const counts = await upsertIndicators(database.db.pool, [indicator('z', { name: 'first' }), indicator('z', { name: 'last' })]);
        expect(counts).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
        const { rows } = await database.db.pool.query<{ name: string }>("SELECT name FROM source_indicators WHERE id = 'z'");
        expect(rows[0]?.name).toBe('last');
      });

      it('rejects a row with a NUL character instead of failing its batch', async () => {
        // A raw line: the schema (and so `indicator()`) refuses to build such an indicator.
        const path = await ndjsonFile(dir, 'nul.ndjson', [indicator('ok'), '{"id":"nul","name":"N","description":"bad\\u0000byte"}']);
        const lines: number[] = [];
        expect(await importCatalog(database.db.pool, path, { onRejected: (row) => lines.push(row.line) })).toMatchObject({ accepted: 1, rejected: 1 });
        expect(lines).toEqual([2]);
      });

      it('stores a large catalog in batches', async () => {
        const many = Array.from({ length: 1_234 }, (_, i) => indicator(`big-${String(i).padStart(5, '0')}`));
        expect(await upsertIndicators(database.db.pool, many)).toEqual({ inserted: 1_234, updated: 0, unchanged: 0 });
        const streamed: string[] = [];
        for await (const stored of streamIndicators(database.db.pool, { onlyUnclassified: true, pageSize: 500 })) streamed.push(stored.indicator.id);
        expect(streamed).toEqual(many.map((item) => item.id));
      });
    });

    describe('listIndicators', () => {
      it('gives back the indicator as imported, with its hash', async () => {
        const item = indicator('round', { description: 'with "quotes" and ünïcode', sample_values: [{ date: '2020', value: 1e21 }, { date: '2021', value: -0.1 }] });
        await upsertIndicators(database.db.pool, [item]);
        const [stored] = await listIndicators(database.db.pool, { onlyUnclassified: false });
        expect(stored?.indicator).toEqual(item);
        expect(stored?.contentHash).toBe(contentHash(item));
        if (stored) expect(contentHash(stored.indicator)).toBe(stored.contentHash);
      });

      it('counts as unclassified: never classified, or changed since', async () => {
        const [a, b, c] = [indicator('a'), indicator('b'), indicator('c')];
        await upsertIndicators(database.db.pool, [a, b, c]);
        await save(a);
        const ids = async (options: Parameters<typeof listIndicators>[1]) => (await listIndicators(database.db.pool, options)).map((s) => s.indicator.id);
        expect(await ids({ onlyUnclassified: true })).toEqual(['b', 'c']);
        expect(await ids({ onlyUnclassified: false })).toEqual(['a', 'b', 'c']);
        expect(await ids({ onlyUnclassified: true, limit: 1 })).toEqual(['b']);
        expect(await ids({ onlyUnclassified: true, afterId: 'b' })).toEqual(['c']);
        // a changes: its classification is now of old content.
        await upsertIndicators(database.db.pool, [indicator('a', { units: 'index points' })]);
        expect(await ids({ onlyUnclassified: true })).toEqual(['a', 'b', 'c']);
      });
    });

    describe('saveClassification', () => {
      it('twice: exactly one row in every stage table and in classifications, unchanged', async () => {
        const item = indicator('twice');
        await upsertIndicators(database.db.pool, [item]);
        await save(item);
        const first = await database.db.pool.query<{ updated_at: Date }>("SELECT updated_at FROM classifications WHERE indicator_id = 'twice'");
        await save(item);
        for (const table of PER_INDICATOR) expect(await count(table), table).toBe(1);
        const second = await database.db.pool.query<{ updated_at: Date }>("SELECT updated_at FROM classifications WHERE indicator_id = 'twice'");
        expect(second.rows).toEqual(first.rows);

        const c = classify(item);
        const { rows } = await database.db.pool.query<Record<string, unknown>>("SELECT * FROM classifications WHERE indicator_id = 'twice'");
        expect(rows[0]).toMatchObject({
          run_id: 'run-1',
          content_hash: contentHash(item),
          family: c.family.family,
          type: c.type.type,
          temporal_aggregation: c.type.temporal_aggregation,
          orientation: c.orientation.orientation,
          unit_type: c.normalization.unit_type,
          reporting_frequency: c.time.reporting_frequency,
          family_source: 'rules',
          needs_review: c.family.family === 'any' || Math.min(c.normalization.confidence, c.time.confidence, c.cumulative.confidence, c.family.confidence, c.type.confidence, c.orientation.confidence) < REVIEW_CONFIDENCE,
        });
        const reasons = await database.db.pool.query<{ reason: string; points: number }>("SELECT reason, points FROM cumulative_detection_results WHERE indicator_id = 'twice'");
        expect(reasons.rows[0]).toEqual({ reason: c.cumulative.reason, points: c.cumulative.evidence.points });
      });

      it('a later run rewrites the rows of the same indicator instead of adding any', async () => {
        const item = indicator('rerun');
        await save(item, 'run-1');
        await save(item, 'run-2');
        for (const table of PER_INDICATOR) expect(await count(table), table).toBe(1);
        const { rows } = await database.db.pool.query<{ run_id: string }>('SELECT run_id FROM orientation_results');
        expect(rows[0]?.run_id).toBe('run-2');
      });

      it('200 concurrent saves of different indicators, and 20 of one: one row each, no duplicates', async () => {
        const items = Array.from({ length: 200 }, (_, i) =>
          indicator(`c-${i}`, { name: i % 2 === 0 ? 'Exports' : 'Unemployment Rate', units: i % 2 === 0 ? 'USD Million' : '%' }),
        );
        await upsertIndicators(database.db.pool, items);
        const same = indicator('same');
        await Promise.all([...items.map((item) => save(item)), ...Array.from({ length: 20 }, (_, i) => save(same, `run-${i}`))]);
        for (const table of PER_INDICATOR) expect(await count(table), table).toBe(201);
        expect(await duplicateIds(database.db.pool)).toBe(0);
        expect(await listIndicators(database.db.pool, { onlyUnclassified: true })).toEqual([]);
        // Each row holds its own indicator's answer (no statement ran with another's parameters).
        const { rows } = await database.db.pool.query<{ indicator_id: string; unit_type: string }>('SELECT indicator_id, unit_type FROM classifications WHERE indicator_id LIKE $1', ['c-%']);
        for (const row of rows) {
          const i = Number(row.indicator_id.slice(2));
          expect(row.unit_type, row.indicator_id).toBe(i % 2 === 0 ? 'currency-amount' : 'percentage');
        }
      });
    });

    describe('failures', () => {
      const failure = { runId: 'run-1', indicatorId: 'f', workflowKey: 'f:abc', stage: 'family', reason: 'boom' };

      it('recorded twice: one row, attempts updated, first failure time kept', async () => {
        await store.recordFailure({ ...failure, attempts: 1 });
        const first = await recentFailures(database.db.pool, 5);
        await store.recordFailure({ ...failure, attempts: 3, reason: 'boom again' });
        const second = await recentFailures(database.db.pool, 5);
        expect(second).toHaveLength(1);
        expect(second[0]).toMatchObject({ indicator_id: 'f', stage: 'family', reason: 'boom again', attempts: 3 });
        expect(second[0]?.first_failed_at).toEqual(first[0]?.first_failed_at);
        // The same failure once more (a replay) changes nothing.
        await store.recordFailure({ ...failure, attempts: 3, reason: 'boom again' });
        expect(await recentFailures(database.db.pool, 5)).toEqual(second);
      });

      it('a save clears the failure of its indicator', async () => {
        const item = indicator('f');
        await store.recordFailure({ ...failure, attempts: 2 });
        await store.recordFailure({ ...failure, indicatorId: 'other', attempts: 1 });
        await save(item);
        expect((await recentFailures(database.db.pool)).map((row) => row.indicator_id)).toEqual(['other']);
      });
    });

    describe('runs and status', () => {
      it('records a run and its outcome', async () => {
        expect(await createRun(database.db.pool, { id: 'r1', mode: 'rules', settings: { concurrency: 8 } })).toBe(true);
        expect(await createRun(database.db.pool, { id: 'r1', mode: 'rules', settings: {} })).toBe(false);
        expect(await getRun(database.db.pool, 'r1')).toMatchObject({ status: 'running', settings: { concurrency: 8 }, finished_at: null });
        expect((await getRun(database.db.pool, 'r1'))?.metrics).toBeNull();
        const metrics = { target_ipm: 600, actual_ipm: 590.5, efficiency: 0.984, latency_ms: { p50: 12, p95: 40, p99: 80 } };
        await finishRun(database.db.pool, 'r1', { submitted: 10, completed: 9, failed: 1, duration_ms: 1234.4, status: 'completed-with-failures', metrics });
        const run = await getRun(database.db.pool, 'r1');
        expect(run).toMatchObject({ submitted: 10, completed: 9, failed: 1, duration_ms: 1234, status: 'completed-with-failures', metrics });
        expect(run?.finished_at).toBeInstanceOf(Date);
        await expect(finishRun(database.db.pool, 'nope', { submitted: 0, completed: 0, failed: 0, duration_ms: 0, status: 'failed' })).rejects.toThrow(/no run/);
      });

      it('a running run whose heartbeat stopped a minute ago reads as lost; one that beats, or has ended, does not', async () => {
        const pool = database.db.pool;
        const age = (id: string, column: 'started_at' | 'heartbeat_at', seconds: number) =>
          pool.query(`UPDATE runs SET ${column} = now() - make_interval(secs => $2) WHERE id = $1`, [id, seconds]);
        await createRun(pool, { id: 'beating', mode: 'rules', settings: {} });
        await createRun(pool, { id: 'killed', mode: 'rules', settings: {} });
        await createRun(pool, { id: 'ended', mode: 'rules', settings: {} });
        for (const id of ['beating', 'killed', 'ended']) await age(id, 'started_at', 3600);
        // Never beat since it started an hour ago: lost, as is a run from before heartbeats.
        expect((await getRun(pool, 'killed'))?.status).toBe('lost');
        await beat(pool, 'beating');
        expect((await getRun(pool, 'beating'))?.status).toBe('running');
        await age('beating', 'heartbeat_at', LOST_AFTER_S - 10);
        expect((await getRun(pool, 'beating'))?.status).toBe('running');
        await age('beating', 'heartbeat_at', LOST_AFTER_S + 10);
        expect((await getRun(pool, 'beating'))?.status).toBe('lost');
        await finishRun(pool, 'ended', { submitted: 1, completed: 1, failed: 0, duration_ms: 1, status: 'completed' });
        await beat(pool, 'ended');
        expect(await getRun(pool, 'ended')).toMatchObject({ status: 'completed', heartbeat_at: null });
        expect(Object.fromEntries((await listRuns(pool)).map((run) => [run.id, run.status]))).toEqual({ beating: 'lost', killed: 'lost', ended: 'completed' });
      });

      it('counts rows per table and finds the newest classification', async () => {
        expect(await newestClassification(database.db.pool)).toBeNull();
        await save(indicator('n1'), 'run-a');
        await save(indicator('n2'), 'run-b');
        const counts = await tableCounts(database.db.pool);
        expect(counts).toMatchObject({ classifications: 2, orientation_results: 2, source_indicators: 0, failures: 0, runs: 0 });
        expect((await newestClassification(database.db.pool))?.indicator_id).toMatch(/^n[12]$/);
      });
    });

    describe('export', () => {
      async function exportTo(format: ExportFormat): Promise<string> {
        const path = join(dir, `export.${format}`);
        const out = createWriteStream(path);
        expect(await exportClassifications(database.db.pool, { format, out, pageSize: 2 })).toBe(await count('classifications'));
        return await readFile(path, 'utf8');
      }

      it('writes one record per classification, with name and units, in every format', async () => {
        const items = [indicator('e1', { name: 'Exports, "goods"' }), indicator('e2'), indicator('e3', { units: 'USD Million' })];
        await upsertIndicators(database.db.pool, items);
        for (const item of items) await save(item);
        await save(indicator('orphan')); // classified, never imported: exported without a name

        const ndjson = (await exportTo('ndjson')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(ndjson.map((r) => r.indicator_id)).toEqual(['e1', 'e2', 'e3', 'orphan']);
        expect(ndjson[0]).toMatchObject({ name: 'Exports, "goods"', units: '%', current: true });
        expect(ndjson[3]).toMatchObject({ name: null, current: false });
        expect(Object.keys(ndjson[0] ?? {})).toEqual([...EXPORT_COLUMNS]);

        const json = JSON.parse(await exportTo('json')) as Record<string, unknown>[];
        expect(json).toEqual(ndjson);

        const csv = parseCsv<Record<string, string>>(await exportTo('csv'), { columns: true });
        expect(csv.map((r) => r.indicator_id)).toEqual(['e1', 'e2', 'e3', 'orphan']);
        expect(csv[0]).toMatchObject({ name: 'Exports, "goods"', current: 'true', family: ndjson[0]?.family });
        expect(csv[2]?.units).toBe('USD Million');
      });

      it('an empty table gives an empty array, an empty NDJSON and a header-only CSV', async () => {
        expect(JSON.parse(await exportTo('json'))).toEqual([]);
        expect(await exportTo('ndjson')).toBe('');
        expect(await exportTo('csv')).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
      });
    });
  });
}

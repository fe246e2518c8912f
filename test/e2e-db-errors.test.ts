/**
 * End to end, a database error that can never succeed: the database refuses one indicator's save
 * with a real CHECK violation (SQLSTATE 23514). That indicator must fail at once — one attempt, its
 * reason in `failures` — and the rest of the run go on; a retry could only meet the same refusal.
 * Run `npm run build` first (`npm test` does).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  catalogIds,
  classify,
  databaseUrl,
  explain,
  generateCatalog,
  readReport,
  removeRoot,
  sql,
  scenariosPerTest,
  type BackendName,
} from './e2e-helpers.js';

const COUNT = 30;
const STALL = ['--stall-timeout', '60'];
const TEST_TIMEOUT = 150_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-db-errors-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 31);
  ids = await catalogIds(catalog);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

describe.each(BACKENDS)('a permanent database error on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  const scenario = scenariosPerTest(() => root, name, HOOK_TIMEOUT);

  it.runIf(enabled)('a save refused by a CHECK constraint fails that indicator once, with its reason; the rest complete; exit 1', async () => {
    const world = await scenario();
    // The embedded database must be served by a daemon, so this test can reach it between commands.
    if (name === 'pglite') expect((await classify(world, ['db', 'start'])).code).toBe(0);
    const imported = await classify(world, ['import', catalog]);
    expect(imported.code, explain(imported)).toBe(0);
    const url = (await databaseUrl(world)) ?? '';
    const refused = ids[0] ?? '';
    // A real constraint of the database, not a stand-in: NOT VALID, so only new rows are checked.
    await sql(url, `ALTER TABLE classifications ADD CONSTRAINT test_refuse_one CHECK (indicator_id <> '${refused.replaceAll("'", "''")}') NOT VALID`);

    const report = join(world.dataDir, 'report.json');
    const result = await classify(world, ['run', '--report', report, ...STALL]);
    expect(result.code, explain(result)).toBe(1);
    const summary = await readReport(report);
    expect(summary).toMatchObject({ status: 'completed-with-failures', planned: COUNT, completed: COUNT - 1, failed: 1, unfinished: 0 });
    const failures = await sql<{ indicator_id: string; stage: string; reason: string; attempts: number; run_id: string }>(
      url,
      'SELECT indicator_id, stage, reason, attempts, run_id FROM failures',
    );
    // One attempt: the step ended at the first refusal instead of running out of its retries.
    expect(failures.map(({ indicator_id, stage, attempts, run_id }) => ({ indicator_id, stage, attempts, run_id }))).toEqual([
      { indicator_id: refused, stage: 'save', attempts: 1, run_id: summary.run_id },
    ]);
    expect(failures[0]?.reason).toMatch(/violates check constraint "test_refuse_one" \(SQLSTATE 23514\)$/);
    expect(summary.top_failure_reasons[0]?.reason).toMatch(/^save: .*violates check constraint "test_refuse_one" \(SQLSTATE 23514\)/);
    const [saved] = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM classifications');
    expect(saved?.n).toBe(COUNT - 1);
  }, TEST_TIMEOUT);
});

/**
 * End to end, a rerun after a partial failure (issue 11, item 4): some indicators fail (a real CHECK
 * constraint of the database refuses their save); once the cause is gone, a plain rerun does not
 * submit them again — their workflow key is spent, the engine would answer "previously accepted"
 * with the old failure — and says so; `--retry-failed` submits exactly those, under new keys, and
 * they complete. Run `npm run build` first (`npm test` does).
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

const COUNT = 20;
const REFUSED = 3;
const STALL = ['--stall-timeout', '60'];
const TEST_TIMEOUT = 240_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-retry-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 41);
  ids = await catalogIds(catalog);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

describe.each(BACKENDS)('--retry-failed on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  const scenario = scenariosPerTest(() => root, name, HOOK_TIMEOUT);

  it.runIf(enabled)('a plain rerun leaves the failed indicators (and says why); --retry-failed re-submits exactly those and they complete', async () => {
    const world = await scenario();
    // The embedded database must be served by a daemon, so this test can reach it between commands.
    if (name === 'pglite') expect((await classify(world, ['db', 'start'])).code).toBe(0);
    const imported = await classify(world, ['import', catalog]);
    expect(imported.code, explain(imported)).toBe(0);
    const url = (await databaseUrl(world)) ?? '';
    const refused = ids.slice(0, REFUSED).sort();
    await sql(url, `ALTER TABLE classifications ADD CONSTRAINT test_refuse CHECK (indicator_id NOT IN (${refused.map(quote).join(', ')})) NOT VALID`);

    const first = join(world.dataDir, 'first.json');
    const failing = await classify(world, ['run', '--report', first, ...STALL]);
    expect(failing.code, explain(failing)).toBe(1);
    expect(await readReport(first)).toMatchObject({ status: 'completed-with-failures', planned: COUNT, completed: COUNT - REFUSED, failed: REFUSED });

    // The cause is gone; a plain rerun still has nothing to submit for them, and says why.
    await sql(url, 'ALTER TABLE classifications DROP CONSTRAINT test_refuse');
    const plain = join(world.dataDir, 'plain.json');
    const rerun = await classify(world, ['run', '--report', plain, ...STALL]);
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(rerun.stderr).toContain(`${REFUSED} indicators whose last attempt failed are not submitted again`);
    expect(rerun.stderr).toContain('--retry-failed');
    expect(await readReport(plain)).toMatchObject({ planned: 0, submitted: 0, failed: 0 });

    const retry = join(world.dataDir, 'retry.json');
    const retried = await classify(world, ['run', '--retry-failed', '--report', retry, ...STALL]);
    expect(retried.code, explain(retried)).toBe(0);
    const report = await readReport(retry);
    expect(report).toMatchObject({ status: 'completed', planned: REFUSED, submitted: REFUSED, already_running_or_done: 0, completed: REFUSED, failed: 0 });
    // Exactly the failed ones were re-classified, each under a key of this run.
    const saved = await sql<{ indicator_id: string; workflow_key: string }>(url, `SELECT indicator_id, workflow_key FROM classifications WHERE run_id = ${quote(report.run_id)} ORDER BY indicator_id`);
    expect(saved.map((row) => row.indicator_id)).toEqual(refused);
    for (const row of saved) expect(row.workflow_key.endsWith(`~${report.run_id}`), row.workflow_key).toBe(true);
    expect(await sql(url, 'SELECT indicator_id FROM failures')).toEqual([]);
    expect(await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM classifications')).toEqual([{ n: COUNT }]);

    const again = await classify(world, ['run', '--retry-failed', ...STALL]);
    expect(again.code, explain(again)).toBe(0);
    expect(again.stderr).toContain('nothing to retry');
  }, TEST_TIMEOUT);

  it.runIf(enabled && name === 'pglite')('--retry-failed with --force is refused', async () => {
    const world = await scenario();
    const result = await classify(world, ['run', '--retry-failed', '--force']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--retry-failed.*cannot be used with.*--force/);
  }, TEST_TIMEOUT);
});

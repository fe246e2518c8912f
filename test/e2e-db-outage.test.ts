/**
 * End to end, the database gone for 10 s in the middle of a run of 2,000 indicators (issue 11,
 * item 6): a Postgres server of the test's own is stopped (a crash: `pg_ctl stop -m immediate`) and
 * started again on the same port and data directory; the embedded database's daemon is SIGKILLed
 * and started again by `classify db start`. Either way the run must end as if nothing happened: exit
 * 0, completed 2,000, failed 0, every stage table 2,000 rows, no indicator twice. The saves ride the
 * outage out on their retries (src/workflow/options.ts), the runner's polls on theirs.
 * Run `npm run build` first (`npm test` does).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_TABLES } from '../src/db/classifications.js';
import {
  HANG_CEILING_MS,
  classify,
  createScenario,
  destroyScenario,
  explain,
  generateCatalog,
  readReport,
  removeRoot,
  sql,
  startClassify,
  waitFor,
  type Child,
  type Scenario,
} from './e2e-helpers.js';
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

const COUNT = 2_000;
/** The database is down this long (then as long as its restart takes). */
const OUTAGE_MS = 10_000;
/** Classified before the outage: the run is well under way, with most of it still to come. */
const BEFORE_OUTAGE = 300;
/** 100 submissions a second: the run lasts ~20 s plus the outage, so submissions go on while the database is away. */
const PACED = ['--ipm', '6000'];
/** Longer than the outage: a run that stops waiting during it has failed this test. */
const STALL = ['--stall-timeout', '120'];
const TEST_TIMEOUT = 3 * HANG_CEILING_MS;
const HOOK_TIMEOUT = HANG_CEILING_MS;

let root = '';
let catalog = '';
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-db-outage-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 61);
}, HOOK_TIMEOUT);

// Whatever happened: the run and its engine, then the test's own Postgres.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

/** A scenario on `databaseUrl` (not TEST_DATABASE_URL's server), destroyed after the test. */
async function scenarioOn(databaseUrl: string | null): Promise<Scenario> {
  const base = await createScenario(root, 'pglite');
  const env = { ...base.env, ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }) };
  // databaseUrl stays null in the scenario: destroying it must not drop anything on a shared server.
  const world: Scenario = { ...base, backend: databaseUrl === null ? 'pglite' : 'postgres', env };
  cleanups.push(() => destroyScenario(world));
  return world;
}

/** Classifications stored so far, or null while the database does not answer. */
async function countAt(url: () => Promise<string | null>): Promise<number | null> {
  const at = await url();
  if (at === null) return null;
  const [row] = await sql<{ n: number }>(at, 'SELECT count(*)::int AS n FROM classifications').catch(() => []);
  return row?.n ?? null;
}

/** Waits until `n` indicators are classified while `run` still runs. */
async function classified(run: Child, url: () => Promise<string | null>, n: number): Promise<void> {
  await waitFor(`${n} classifications`, async () => {
    if (!run.running()) throw new Error(`classify run ended early:\n${run.output().stderr}`);
    const count = await countAt(url);
    return count !== null && count >= n ? true : undefined;
  }, HANG_CEILING_MS, 100);
}

/** Rows and distinct indicators of `classifications` and every stage table. */
async function tableCounts(url: string): Promise<Record<string, { rows: number; ids: number }>> {
  const counts: Record<string, { rows: number; ids: number }> = {};
  for (const table of ['classifications', ...STAGE_TABLES]) {
    const [row] = await sql<{ rows: number; ids: number }>(url, `SELECT count(*)::int AS rows, count(DISTINCT indicator_id)::int AS ids FROM ${table}`);
    counts[table] = row ?? { rows: -1, ids: -1 };
  }
  return counts;
}

/** The run's end: exit 0, everything completed, every table one row per indicator. */
async function expectUntouched(run: Child, report: string, url: string): Promise<void> {
  const result = await run.done;
  expect(result.code, explain(result)).toBe(0);
  const summary = await readReport(report);
  expect(summary).toMatchObject({ status: 'completed', planned: COUNT, completed: COUNT, failed: 0, unfinished: 0 });
  const every = { rows: COUNT, ids: COUNT };
  expect(await tableCounts(url)).toEqual(Object.fromEntries(['classifications', ...STAGE_TABLES].map((table) => [table, every])));
  const [failures] = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM failures');
  expect(failures?.n).toBe(0);
}

/** The embedded database's server file: who serves it and where. */
async function serverFile(world: Scenario): Promise<{ pid: number; url: string } | null> {
  try {
    return JSON.parse(await readFile(join(world.dataDir, 'pgdata.server.json'), 'utf8')) as { pid: number; url: string };
  } catch {
    return null;
  }
}

describe.runIf(canRunPrivatePostgres())('a 10 s outage of a Postgres server mid-run', () => {
  it('stopped (a crash) after 300 of 2,000 and started again: exit 0, 2,000 completed, every table 2,000 rows', async () => {
    const server: PrivatePostgres = await startPrivatePostgres();
    cleanups.push(() => server.destroy());
    const world = await scenarioOn(server.url);
    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, ...PACED, ...STALL, '--report', report]);
    await classified(run, () => Promise.resolve(server.url), BEFORE_OUTAGE);

    await server.stop('immediate');
    await sleep(OUTAGE_MS);
    expect(run.running(), 'the run must still be waiting when the database comes back').toBe(true);
    await server.start();

    // Not asserted: that the runner said "the database does not answer". Whether a progress poll fails
    // during the 10 s or rides them out on its own retries depends on timing (under the load pass it
    // did not fail once). What the run guarantees is below; the message is tested in e2e-failures.test.ts.
    await expectUntouched(run, report, server.url);
  }, TEST_TIMEOUT);
});

describe('a 10 s outage of the embedded database mid-run', () => {
  it('its daemon SIGKILLed after 300 of 2,000 and started again: exit 0, 2,000 completed, every table 2,000 rows', async () => {
    const world = await scenarioOn(null);
    // Served by a daemon, so that it can die while the run goes on.
    const started = await classify(world, ['db', 'start']);
    expect(started.code, explain(started)).toBe(0);
    const before = await serverFile(world);
    if (before === null) throw new Error('no server file after classify db start');
    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, ...PACED, ...STALL, '--report', report]);
    await classified(run, async () => (await serverFile(world))?.url ?? null, BEFORE_OUTAGE);

    process.kill(before.pid, 'SIGKILL');
    await sleep(OUTAGE_MS);
    expect(run.running(), 'the run must still be waiting when the database comes back').toBe(true);
    const restarted = await classify(world, ['db', 'start']);
    expect(restarted.code, explain(restarted)).toBe(0);
    const after = await serverFile(world);
    expect(after?.pid).not.toBe(before.pid);

    await expectUntouched(run, report, after?.url ?? '');
  }, TEST_TIMEOUT);
});

/**
 * End to end, as a user runs it: the built `classify` command in child processes, the real
 * restate-server binary, a real database (the embedded PGlite always; a fresh Postgres database
 * too when TEST_DATABASE_URL is set). Each scenario has its own data directory and stops
 * everything it started, even when it fails. Run `npm run build` first (`npm test` does).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { isAlive } from '../src/engine/state.js';
import {
  BACKENDS,
  catalogIds,
  classifiedCount,
  classify,
  createScenario,
  databaseUrl,
  destroyScenario,
  engineOf,
  exportedRows,
  generateCatalog,
  invocationCount,
  perIndicatorCounts,
  explain,
  HANG_CEILING_MS,
  processesMentioning,
  removeRoot,
  readReport,
  sql,
  startClassify,
  startServe,
  statusJson,
  waitFor,
  type BackendName,
  type Child,
  type ExportedRow,
  type Scenario,
  scenariosPerTest,
} from './e2e-helpers.js';

const COUNT = 200;
/** --max-in-flight of the --force run: well below COUNT, so an unbounded run would exceed it. */
const WINDOW = 20;
/** 20 submissions a second: a run of 200 lasts ~10 s, long enough to kill something in the middle. */
const PACED_IPM = '1200';
/**
 * 2 submissions a second (a token bucket with a one-second burst): a run of 200 cannot end in under
 * 99 s, so a signal sent once the first KILL_AFTER are classified lands mid-run by construction,
 * however slowly a loaded machine lets the test see them.
 */
const SLOW_IPM = '120';
/** Kill once this many are classified (and check that not all were). */
const KILL_AFTER = 20;
/** A run that makes no progress for this long gives up: a hang bound, as the test timeouts (HANG_CEILING_MS). */
const STALL = ['--stall-timeout', String(HANG_CEILING_MS / 1000)];
const TEST_TIMEOUT = 3 * HANG_CEILING_MS;
const HOOK_TIMEOUT = HANG_CEILING_MS;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 11);
  ids = await catalogIds(catalog);
  expect(new Set(ids).size).toBe(COUNT);
}, HOOK_TIMEOUT);

afterAll(async () => {
  // Nothing of ours survives the file: no restate-server, no database daemon (their command lines name the data dir).
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

/** Every indicator classified exactly once: every stage table has one row per indicator, no id twice. */
async function expectEveryIndicatorOnce(scenario: Scenario, expectedIds: readonly string[] = ids): Promise<ExportedRow[]> {
  const n = expectedIds.length;
  const status = await statusJson(scenario);
  expect(status.database.reachable).toBe(true);
  const rows = status.rows ?? {};
  expect(perIndicatorCounts(rows)).toEqual(Object.fromEntries(Object.keys(perIndicatorCounts(rows)).map((table) => [table, n])));
  expect(rows.failures).toBe(0);
  expect(status.rowsConsistent).toBe(true);
  const exported = await exportedRows(scenario);
  expect(exported).toHaveLength(n);
  expect(new Set(exported.map((row) => row.indicator_id)).size).toBe(n);
  expect(exported.map((row) => row.indicator_id).sort()).toEqual([...expectedIds].sort());
  expect(exported.every((row) => row.current)).toBe(true);
  return exported;
}



/** Waits until some, but not yet all, indicators are classified; returns how many. */
async function midRun(scenario: Scenario, run: Child): Promise<number> {
  const count = await waitFor(`${KILL_AFTER} classifications`, async () => {
    if (!run.running()) throw new Error(`classify run ended before the kill:\n${run.output().stderr}`);
    const n = await classifiedCount(scenario);
    return n !== null && n >= KILL_AFTER ? n : undefined;
  }, HANG_CEILING_MS, 100);
  expect(count).toBeLessThan(COUNT);
  return count;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when nothing listens on 127.0.0.1:`port` (a listen there succeeds). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * A forced run's work as seen from outside, in this order: its invocations the engine holds (every
 * one beyond the first run's COUNT), then its rows in the database (saved or failed under another
 * run id than the first run's). Null while the database cannot be reached.
 */
async function forcedRunSeen(scenario: Scenario, adminUrl: string, firstRunId: string): Promise<{ sent: number; finished: number } | null> {
  if (!/^[A-Za-z0-9._:-]+$/.test(firstRunId)) throw new Error(`unexpected run id ${JSON.stringify(firstRunId)}`);
  const sent = (await invocationCount(adminUrl)) - COUNT;
  const url = await databaseUrl(scenario);
  if (url === null) return null;
  try {
    const [row] = await sql<{ n: number }>(
      url,
      `SELECT (SELECT count(*) FROM classifications WHERE run_id <> '${firstRunId}') + (SELECT count(*) FROM failures WHERE run_id <> '${firstRunId}') AS n`,
    );
    return { sent, finished: Number(row?.n) };
  } catch {
    return null;
  }
}

describe.each(BACKENDS)('end to end on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  const scenario = scenariosPerTest(() => root, name, HOOK_TIMEOUT);

  describe.runIf(enabled)('one catalog, one engine (kept up by `classify engine start`)', () => {
    // These three share a data directory and an engine: each step starts from the state the previous left.
    let shared: Scenario | undefined;
    const world = (): Scenario => {
      if (shared === undefined) throw new Error('no scenario');
      return shared;
    };
    let adminUrl = '';
    /** The export after the first run: a resubmission must leave it exactly as it is. */
    let firstRows: ExportedRow[] = [];

    beforeAll(async () => {
      shared = await createScenario(root, name);
      const started = await classify(shared, ['engine', 'start']);
      expect(started.code, explain(started)).toBe(0);
      adminUrl = (await engineOf(shared)).adminUrl;
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      if (shared !== undefined) await destroyScenario(shared);
    }, HOOK_TIMEOUT);

    it('classifies 200 indicators: every stage table has one row per classification, no duplicate id', async () => {
      const report = join(world().dataDir, 'first.json');
      const result = await classify(world(), ['run', '--catalog', catalog, '--report', report, ...STALL]);
      expect(result.code, explain(result)).toBe(0);
      expect(result.stderr).toContain(`engine: using ingress`);
      expect(result.stderr).toContain(`import ${catalog}: read ${COUNT} rows: ${COUNT} accepted, 0 rejected`);
      const first = await readReport(report);
      expect(first).toMatchObject({ submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0, success_rate: 1, efficiency: null });
      // What it measured: every completion timed, from one ingress and one service process (this run's own).
      expect(first.overall_ipm).toBe(first.completed_ipm);
      expect(first.actual_ipm).toBeGreaterThan(0);
      const latency = first.latency_ms;
      expect(latency !== null && latency.p50 > 0 && latency.p50 <= latency.p95 && latency.p95 <= latency.p99).toBe(true);
      expect(Object.values(first.ingress_share)).toEqual([1]);
      expect(Object.keys(first.service_share)).toEqual([expect.stringMatching(/^.+:\d+$/)]);
      // The runs table keeps the same figures (status reads them back).
      const latestRun = (await statusJson(world())).latestRun;
      expect(latestRun?.id).toBe(first.run_id);
      expect(latestRun?.metrics).toMatchObject({ actual_ipm: first.actual_ipm, latency_ms: first.latency_ms, service_share: first.service_share });
      firstRows = await expectEveryIndicatorOnce(world());
      // The report's counts are the database's: the run's completions are its rows, in the runs table too.
      expect(firstRows.filter((row) => row.run_id === first.run_id)).toHaveLength(first.completed);
      expect(latestRun?.completed).toBe(first.completed);
      expect(await invocationCount(adminUrl)).toBe(COUNT);
    }, TEST_TIMEOUT);

    it('resubmitting the same catalog starts no new work', async () => {
      const report = join(world().dataDir, 'again.json');
      const result = await classify(world(), ['run', '--catalog', catalog, '--report', report, ...STALL]);
      expect(result.code, explain(result)).toBe(0);
      expect(result.stderr).toContain('engine: using ingress');
      expect(await readReport(report)).toMatchObject({ submitted: 0, completed: 0, failed: 0, unfinished: 0 });
      // Same engine: not one invocation more; same database: every row as it was (same run, same time).
      expect(await invocationCount(adminUrl)).toBe(COUNT);
      expect(await expectEveryIndicatorOnce(world())).toEqual(firstRows);
    }, TEST_TIMEOUT);

    it('--force re-classifies every indicator, never more than --max-in-flight at once', async () => {
      const report = join(world().dataDir, 'forced.json');
      const firstRunId = firstRows[0]?.run_id ?? '';
      const run = startClassify(world(), ['run', '--catalog', catalog, '--force', '--max-in-flight', String(WINDOW), '--report', report, ...STALL]);
      /*
       * What the runner guarantees: no send starts while WINDOW of its sends have no saved or failed
       * row that it has read. So, sampled from outside in this order, the engine's invocations of this
       * run (only ones the runner sent by then) less the run's rows (read after, so at least those the
       * runner had read) never exceed WINDOW, however slow the machine. The engine's own unfinished
       * count is no such bound: it trails the database by however long the engine takes to mark a
       * saved workflow completed (35 > 30 once, on a loaded CI machine).
       */
      let mostInFlight = 0;
      while (run.running()) {
        const seen = await forcedRunSeen(world(), adminUrl, firstRunId);
        if (seen !== null) mostInFlight = Math.max(mostInFlight, seen.sent - seen.finished);
        await sleep(50);
      }
      const result = await run.done;
      expect(result.code, explain(result)).toBe(0);
      expect(mostInFlight).toBeLessThanOrEqual(WINDOW);
      const forced = await readReport(report);
      expect(forced).toMatchObject({ submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0 });
      const rows = await expectEveryIndicatorOnce(world());
      expect(new Set(rows.map((row) => row.run_id))).toEqual(new Set([forced.run_id]));
      // A new workflow key per indicator: the engine really ran each one again. (With the rows' run id
      // above, this also shows that the sampled counts measured this run: COUNT sent, COUNT finished.)
      expect(await invocationCount(adminUrl)).toBe(2 * COUNT);
    }, TEST_TIMEOUT);
  });

  it.runIf(enabled)('a service process SIGKILLed mid-run and restarted: every indicator classified exactly once', async () => {
    const world = await scenario();
    if (name === 'pglite') {
      // The database must outlive the service processes: a daemon serves it, not `serve`.
      const db = await classify(world, ['db', 'start']);
      expect(db.code, explain(db)).toBe(0);
      expect(db.stdout).toMatch(/database started \(pid \d+\)/);
    }
    const engine = await classify(world, ['engine', 'start']);
    expect(engine.code, explain(engine)).toBe(0);
    const { adminUrl } = await engineOf(world);
    const [port = 0] = await freePorts(1);
    const first = await startServe(world, port, adminUrl);

    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, '--endpoint-url', `http://127.0.0.1:${port}`, '--ipm', PACED_IPM, '--report', report, ...STALL]);
    await midRun(world, run);
    process.kill(first.pid, 'SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const second = await startServe(world, port, adminUrl);

    const result = await run.done;
    expect(result.code, explain(result)).toBe(0);
    const paced = await readReport(report);
    expect(paced).toMatchObject({ submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0, target_ipm: Number(PACED_IPM) });
    expect(paced.efficiency).toBe((paced.actual_ipm ?? Number.NaN) / Number(PACED_IPM));
    // Two service processes ran the workflows (the killed one and its successor), none unknown.
    expect(Object.keys(paced.service_share)).toEqual(expect.arrayContaining([expect.stringContaining(`:${second.pid}`)]));
    expect(Object.values(paced.service_share).reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
    // Saves replayed by the successor are rows written again: counted once, as the database has them.
    const rows = await expectEveryIndicatorOnce(world);
    expect(rows.filter((row) => row.run_id === paced.run_id)).toHaveLength(paced.completed);
    expect(await invocationCount(adminUrl)).toBe(COUNT);

    // Everything stops cleanly through the CLI too (the after-hook would catch what does not).
    process.kill(second.pid, 'SIGTERM');
    expect(await second.done).toMatchObject({ code: 0 });
    expect((await classify(world, ['engine', 'stop'])).stdout).toMatch(/engine stopped/);
    if (name === 'pglite') {
      const stopped = await classify(world, ['db', 'stop']);
      expect(stopped.stdout).toMatch(/database stopped \(pid \d+\)/);
      expect((await classify(world, ['db', 'status'])).code).toBe(1);
    }
  }, TEST_TIMEOUT);

  it.runIf(enabled)('the restate-server SIGKILLed mid-run and restarted: every indicator classified exactly once', async () => {
    const world = await scenario();
    // Fixed ports, so the restarted engine answers at the URLs the running `classify run` uses.
    const [ingress = 0, admin = 0, node = 0] = await freePorts(3);
    const ports = ['--ingress-port', String(ingress), '--admin-port', String(admin), '--node-port', String(node)];
    const engine = await classify(world, ['engine', 'start', ...ports]);
    expect(engine.code, explain(engine)).toBe(0);
    const before = await engineOf(world);

    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, '--ipm', PACED_IPM, '--report', report, ...STALL]);
    await midRun(world, run);
    process.kill(before.pid, 'SIGKILL');
    await waitFor('the engine to die', async () => ((await isAlive(before.pid)) ? undefined : true), HANG_CEILING_MS, 50);
    await waitFor('the engine\'s ports to be free', async () => ((await Promise.all([ingress, admin, node].map(portFree))).every(Boolean) ? true : undefined), HANG_CEILING_MS, 50);
    const restarted = await classify(world, ['engine', 'start', ...ports]);
    expect(restarted.code, explain(restarted)).toBe(0);
    const after = await engineOf(world);
    expect(after.pid).not.toBe(before.pid);
    expect(after).toMatchObject({ ingressUrl: before.ingressUrl, adminUrl: before.adminUrl });

    const result = await run.done;
    expect(result.code, explain(result)).toBe(0);
    expect(result.stderr).toContain(`engine: using ingress ${before.ingressUrl}`);
    expect(await readReport(report)).toMatchObject({ submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0 });
    await expectEveryIndicatorOnce(world);
    expect(await invocationCount(after.adminUrl)).toBe(COUNT);
  }, TEST_TIMEOUT);

  it.runIf(enabled)('`classify run` SIGTERMed mid-run stops what it started; the next run finishes the rest, each indicator once', async () => {
    const world = await scenario();
    const first = join(world.dataDir, 'first.json');
    const run = startClassify(world, ['run', '--catalog', catalog, '--ipm', SLOW_IPM, '--report', first, ...STALL]);
    await midRun(world, run);
    process.kill(run.pid, 'SIGTERM');
    const result = await run.done;
    expect(result.code, explain(result)).toBe(143);
    expect(result.stderr).toContain('SIGTERM: stopping the run');
    // Its own restate-server went with it (and the embedded database it hosted).
    expect(await processesMentioning(world.dataDir)).toEqual([]);
    const interrupted = await readReport(first);
    expect(interrupted.submitted).toBeLessThan(COUNT);
    expect(interrupted.failed).toBe(0);
    // Not "100 %": what was planned and not classified counts against it, and the status says why.
    expect(interrupted).toMatchObject({ status: 'interrupted', planned: COUNT, stop_reason: 'interrupted (SIGINT/SIGTERM)' });
    expect(interrupted.success_rate).toBe(interrupted.completed / COUNT);
    expect(result.stdout).toContain(`run ${interrupted.run_id} (rules): interrupted`);
    expect(interrupted.completed + interrupted.unfinished).toBe(interrupted.submitted);

    // The engine keeps what it had accepted: a restarted one finishes it, the next run submits the rest.
    const engine = await classify(world, ['engine', 'start']);
    expect(engine.code, explain(engine)).toBe(0);
    const { adminUrl } = await engineOf(world);
    const second = join(world.dataDir, 'second.json');
    const rest = await classify(world, ['run', '--catalog', catalog, '--report', second, ...STALL]);
    expect(rest.code, explain(rest)).toBe(0);
    const finished = await readReport(second);
    expect(finished).toMatchObject({ failed: 0, unfinished: 0 });
    expect(finished.completed).toBe(finished.submitted);
    expect(finished.submitted).toBeGreaterThanOrEqual(COUNT - interrupted.submitted);
    await expectEveryIndicatorOnce(world);
    // One workflow per indicator over both runs: nothing ran twice.
    expect(await invocationCount(adminUrl)).toBe(COUNT);
  }, TEST_TIMEOUT);

  it.runIf(enabled)('a catalog with bad rows: the good rows are classified, each bad one reported with its line', async () => {
    const world = await scenario();
    const good = (await readFile(catalog, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    const firstId = ids[0] ?? '';
    // Bad rows in the middle and at the end: the import goes on past each. Lines 101, 152, 203.
    const lines = [
      ...good.slice(0, 100),
      JSON.stringify({ id: 'bad_no_name', units: '%', periodicity: 'Monthly' }),
      ...good.slice(100, 150),
      JSON.stringify({ id: 'bad_date', name: 'Exports', units: 'USD Million', sample_values: [{ date: '2024-13', value: 1 }] }),
      ...good.slice(150),
      JSON.stringify({ id: firstId, name: 'A second row with the same id', units: '%' }),
    ];
    const file = join(world.dataDir, 'with-bad-rows.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);

    const report = join(world.dataDir, 'report.json');
    const result = await classify(world, ['run', '--catalog', file, '--report', report, ...STALL]);
    // Every valid row classified, but the catalog was not clean: exit 2, as `import` and `validate`.
    expect(result.code, explain(result)).toBe(2);
    expect(result.stdout).toContain(`catalog: ${file}: 3 rows rejected, each reported with its line and reason`);
    expect(result.stderr).toMatch(/line 101: name: missing name/);
    expect(result.stderr).toMatch(/line 152: sample_values\[0\]\.date: .*"2024-13"/);
    expect(result.stderr).toContain(`line 203: id: duplicate id "${firstId}" (first seen on line 1)`);
    expect(result.stderr).toContain(`read ${COUNT + 3} rows: ${COUNT} accepted, 3 rejected`);
    expect(await readReport(report)).toMatchObject({ submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0 });
    await expectEveryIndicatorOnce(world);
  }, TEST_TIMEOUT);
});

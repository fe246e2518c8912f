/**
 * End to end, the bad day: a part of the system stops answering mid-run, the engine refuses an
 * indicator, the run itself is killed. The run must say what went wrong (which part, which
 * indicator), stop on its stall timeout instead of hanging, exit non-zero, and leave nothing running
 * that it started. Embedded database only: these are about the runner, not the SQL.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { isAlive } from '../src/engine/state.js';
import {
  HANG_CEILING_MS,
  catalogIds,
  classifiedCount,
  classify,
  databaseUrl,
  engineOf,
  explain,
  generateCatalog,
  processesMentioning,
  readReport,
  removeRoot,
  sql,
  startClassify,
  waitFor,
  type Child,
  type Scenario,
  scenariosPerTest,
} from './e2e-helpers.js';

const COUNT = 200;
/**
 * 4 submissions a second (a token bucket with a one-second burst): a run of 200 cannot end in under
 * 49 s, so what breaks after the first 40-60 are classified breaks mid-run by construction, however
 * slowly a loaded machine lets the test see them.
 */
const PACED = ['--ipm', '240'];
/**
 * The run's stall timeout: what these tests wait for after breaking something. Long enough that a
 * loaded machine's pauses (seconds) never pass for a stall before the break, short enough for the suite.
 */
const STALL = ['--stall-timeout', '30'];
const TEST_TIMEOUT = 3 * HANG_CEILING_MS;
const HOOK_TIMEOUT = HANG_CEILING_MS;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-failures-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 23);
  ids = await catalogIds(catalog);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

/** Waits until `n` indicators are classified while `run` still runs. */
async function classified(world: Scenario, run: Child, n: number): Promise<void> {
  await waitFor(`${n} classifications`, async () => {
    if (!run.running()) throw new Error(`classify run ended early:\n${run.output().stderr}`);
    const count = await classifiedCount(world);
    return count !== null && count >= n ? true : undefined;
  }, HANG_CEILING_MS, 100);
}

/** The done counts of the `progress:` lines (not a terminal: one line every few seconds). */
function progressLines(stderr: string): { done: number; planned: number }[] {
  return [...stderr.matchAll(/^progress: (\d+) of (\d+) done/gm)].map((match) => ({ done: Number(match[1]), planned: Number(match[2]) }));
}

function expectNoLeaks(stderr: string): void {
  expect(stderr).not.toContain('MaxListenersExceededWarning');
}

describe('a run when something stops answering', () => {
  it('restate-server killed and not restarted: the run stops on its stall timeout, names the engine, exits 1', async () => {
    const world = await scenario();
    const report = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, ...PACED, ...STALL, '--report', report]);
    await classified(world, run, 60);
    const engine = await engineOf(world);
    process.kill(engine.pid, 'SIGKILL');

    const result = await run.done;
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toMatch(/stopping the run: nothing finished and no LLM request was made for \d+ s: the engine's ingress http:\/\/127\.0\.0\.1:\d+ does not answer/);
    expectNoLeaks(result.stderr);
    const stalled = await readReport(report);
    expect(stalled).toMatchObject({ status: 'stalled', planned: COUNT, failed: 0 });
    expect(stalled.stop_reason).toContain("the engine's ingress");
    expect(stalled.completed).toBeLessThan(COUNT);
    expect(stalled.success_rate).toBeLessThan(1);
    expect(stalled.completed + stalled.unfinished + stalled.not_submitted).toBe(COUNT);
    expect(result.stdout).toContain(`success rate ${((stalled.completed / COUNT) * 100).toFixed(1)}% (${stalled.completed} of ${COUNT} planned classified)`);
    // True progress: the total is the plan from the first line, and done never goes backwards.
    const lines = progressLines(result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    for (const [index, line] of lines.entries()) {
      expect(line.planned).toBe(COUNT);
      expect(line.done).toBeGreaterThanOrEqual(lines[index - 1]?.done ?? 0);
    }
  }, TEST_TIMEOUT);

  it('the service endpoint killed and not restarted: the run names the endpoint', async () => {
    const world = await scenario();
    const db = await classify(world, ['db', 'start']);
    expect(db.code, explain(db)).toBe(0);
    expect((await classify(world, ['engine', 'start'])).code).toBe(0);
    const { adminUrl } = await engineOf(world);
    const [port = 0] = await freePorts(1);
    const serve = startClassify(world, ['serve', '--port', String(port), '--register-at', adminUrl]);
    await waitFor('classify serve to register', () => Promise.resolve(serve.output().stdout.includes('registered at') ? true : undefined));

    const run = startClassify(world, ['run', '--catalog', catalog, '--endpoint-url', `http://127.0.0.1:${port}`, ...PACED, ...STALL]);
    await classified(world, run, 40);
    // The SDK's line per invocation (its info level) is not printed by default: 40 invocations, no line.
    expect(`${serve.output().stdout}${serve.output().stderr}`).not.toMatch(/\bINFO\b/);
    process.kill(serve.pid, 'SIGKILL');
    const result = await run.done;
    expect(result.code, explain(result)).toBe(1);
    // The URL registered: the address given, with the path of the endpoint's build (…/v/<version>).
    expect(result.stderr).toMatch(new RegExp(`the service endpoint http://127\\.0\\.0\\.1:${port}/v/[0-9a-f]{12} does not accept connections \\(ECONNREFUSED\\)`));
    expectNoLeaks(result.stderr);
  }, TEST_TIMEOUT);

  it('the database stopped mid-run: the run names the database', async () => {
    const world = await scenario();
    const db = await classify(world, ['db', 'start']);
    expect(db.code, explain(db)).toBe(0);
    const run = startClassify(world, ['run', '--catalog', catalog, ...PACED, ...STALL]);
    await classified(world, run, 40);
    expect((await classify(world, ['db', 'stop'])).code).toBe(0);
    const result = await run.done;
    expect(result.code, explain(result)).toBe(1);
    expect(result.stderr).toContain('progress: the database does not answer');
    expect(result.stderr).toMatch(/stopping the run: .*the database does not answer/);
  }, TEST_TIMEOUT);
});

describe('every indicator accounted for', () => {
  it('an indicator the engine refuses (a 100 KB id) fails with its reason in failures; the rest complete; exit 1', async () => {
    const world = await scenario();
    expect((await classify(world, ['db', 'start'])).code).toBe(0);
    const imported = await classify(world, ['import', catalog]);
    expect(imported.code, explain(imported)).toBe(0);
    // Past the validator (which refuses such an id): the runner must account for it all the same.
    const url = (await databaseUrl(world)) ?? '';
    const longId = 'x'.repeat(100_000);
    await sql(url, `UPDATE source_indicators SET id = '${longId}' WHERE id = '${ids[0] ?? ''}'`);

    const report = join(world.dataDir, 'report.json');
    const result = await classify(world, ['run', '--report', report, ...STALL]);
    expect(result.code, explain(result)).toBe(1);
    // Said as it happened, with a readable id.
    expect(result.stderr).toMatch(/failed "x{80}"… \(100000 characters\): the engine refused the submission: HTTP 414/);
    const refused = await readReport(report);
    expect(refused).toMatchObject({ status: 'completed-with-failures', planned: COUNT, completed: COUNT - 1, failed: 1, unfinished: 0 });
    expect(refused.top_failure_reasons[0]?.reason).toMatch(/^submit: the engine refused the submission: HTTP 414/);
    const failures = await sql<{ id_length: number; stage: string; run_id: string }>(url, 'SELECT length(indicator_id) AS id_length, stage, run_id FROM failures');
    expect(failures).toEqual([{ id_length: 100_000, stage: 'submit', run_id: refused.run_id }]);
    expect(result.stdout).toContain('completed-with-failures');
  }, TEST_TIMEOUT);
});

describe('an empty catalog', () => {
  it('is a warning, not a silent success: nothing to classify, exit 2', async () => {
    const world = await scenario();
    const empty = join(world.dataDir, 'empty.ndjson');
    await writeFile(empty, '\n\n');
    const report = join(world.dataDir, 'report.json');
    const result = await classify(world, ['run', '--catalog', empty, '--report', report]);
    expect(result.code, explain(result)).toBe(2);
    // A fresh data directory: the slow first step is said, not silent.
    expect(result.stderr).toContain(`database: creating the embedded database in ${join(world.dataDir, 'pgdata')}`);
    expect(result.stderr).toContain(`warning: no indicators in ${empty}`);
    expect(result.stderr).toContain('nothing to classify: the database holds no indicators');
    expect(await readReport(report)).toMatchObject({ status: 'completed', planned: 0, submitted: 0, catalog_warnings: [expect.stringContaining('no indicators in')] });
  }, TEST_TIMEOUT);
});

describe('no orphans', () => {
  it('`classify run` SIGKILLed leaves its engine: status names it left over; the next run adopts it, finishes, and stops it', async () => {
    const world = await scenario();
    const run = startClassify(world, ['run', '--catalog', catalog, ...PACED]);
    await classified(world, run, 20);
    const orphan = await engineOf(world);
    process.kill(run.pid, 'SIGKILL');
    await run.done;
    expect(await isAlive(orphan.pid)).toBe(true);

    const status = await classify(world, ['status']);
    expect(status.stdout).toContain(`LEFT OVER by classify run pid ${run.pid}, which is gone`);

    const next = await classify(world, ['run']);
    expect(next.code, explain(next)).toBe(0);
    expect(next.stderr).toContain(`engine: adopted restate-server (pid ${orphan.pid}) left running by a run that died (pid ${run.pid})`);
    expect(await isAlive(orphan.pid)).toBe(false);
    expect(await processesMentioning(world.dataDir)).toEqual([]);

    // Nothing left to do: the next run says so instead of a silent empty report.
    const again = await classify(world, ['run']);
    expect(again.code, explain(again)).toBe(0);
    expect(again.stderr).toContain(`nothing to classify: all ${COUNT} indicators in the database are already classified (--force classifies them again)`);
  }, TEST_TIMEOUT);
});

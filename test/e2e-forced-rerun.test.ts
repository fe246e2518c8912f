/**
 * End to end, a forced run interrupted and followed by another (issue 11, item 4): the first run's
 * workflows are held unfinished (its service endpoint, a `classify serve`, is stopped with SIGSTOP),
 * the runner is SIGKILLed, and a second forced run starts. Before it submits, it cancels the
 * earlier workflows of the indicators it submits (Restate's cancel API) and waits until they ended:
 * every one of them completed before the second run's workflow for the same indicator was created
 * (the engine's own timestamps), none is left running, and the table holds one row per indicator,
 * all of the second run. Run `npm run build` first (`npm test` does).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { parseWorkflowKey } from '../src/workflow/keys.js';
import {
  HANG_CEILING_MS,
  BACKENDS,
  catalogIds,
  classify,
  databaseUrl,
  engineOf,
  explain,
  generateCatalog,
  readReport,
  removeRoot,
  scenariosPerTest,
  sql,
  startClassify,
  startServe,
  waitFor,
  type BackendName,
} from './e2e-helpers.js';
import { withoutLlm } from './e2e-llm-helpers.js';

const COUNT = 30;
const STALL = ['--stall-timeout', '120'];
const TEST_TIMEOUT = 3 * HANG_CEILING_MS;
const HOOK_TIMEOUT = HANG_CEILING_MS;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-forced-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 67);
  ids = await catalogIds(catalog);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

interface InvocationRow {
  id: string;
  key: string;
  status: string;
  completion_result?: string;
  completion_failure?: string;
  created_at?: string;
  completed_at?: string;
}

async function invocations(adminUrl: string, where = ''): Promise<InvocationRow[]> {
  const response = await fetch(new URL('/query', adminUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `select id, target_service_key as key, status, completion_result, completion_failure, created_at, completed_at
                from sys_invocation where target_service_name = 'classifyIndicator' and target_handler_name = 'run'${where}`,
    }),
  });
  const body = (await response.json()) as { rows?: InvocationRow[] };
  if (!response.ok) throw new Error(`admin query: ${response.status} ${JSON.stringify(body)}`);
  return body.rows ?? [];
}


const runIdOf = (key: string): string | null => parseWorkflowKey(key)?.runId ?? null;

describe.each(BACKENDS)('an interrupted forced run, then another, on $name', ({ name, enabled }: { name: BackendName; enabled: boolean }) => {
  const scenario = scenariosPerTest(() => root, name, HOOK_TIMEOUT);

  it.runIf(enabled)('the earlier run\'s unfinished workflows end before the new run\'s start, never two per indicator, one row each', async () => {
    const world = withoutLlm(await scenario());
    // Database and engine outlive the runners (the first one is SIGKILLed).
    if (name === 'pglite') expect((await classify(world, ['db', 'start'])).code).toBe(0);
    const engine = await classify(world, ['engine', 'start']);
    expect(engine.code, explain(engine)).toBe(0);
    const { adminUrl } = await engineOf(world);
    const [port = 0] = await freePorts(1);
    const serve = await startServe(world, port, adminUrl);

    const first = startClassify(world, ['run', '--catalog', catalog, '--force', '--mode', 'rules', '--endpoint-url', `http://127.0.0.1:${port}`, '--max-in-flight', '5', ...STALL]);
    await waitFor('the first forced run to submit', async () => ((await invocations(adminUrl)).length > 0 ? true : undefined), HANG_CEILING_MS, 20);
    // From now on none of its workflows can finish: its endpoint is frozen.
    process.kill(serve.pid, 'SIGSTOP');
    const held = await waitFor('an unfinished workflow of the first run', async () => {
      const rows = await invocations(adminUrl, " and status <> 'completed'");
      return rows.length > 0 ? rows : undefined;
    }, HANG_CEILING_MS, 100);
    process.kill(first.pid, 'SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const firstRunId = runIdOf(held[0]?.key ?? '');
    expect(firstRunId).not.toBeNull();
    const unfinishedAtKill = await invocations(adminUrl, " and status <> 'completed'");
    expect(unfinishedAtKill.length).toBeGreaterThan(0);

    const report = join(world.dataDir, 'second.json');
    const second = startClassify(world, ['run', '--force', '--mode', 'rules', '--report', report, ...STALL]);
    await waitFor('the second run to cancel the first run\'s workflows', () => {
      if (!second.running()) throw new Error(`the second run ended first:\n${second.output().stderr}`);
      return Promise.resolve(/cancelling \d+ unfinished workflows of earlier runs/.test(second.output().stderr) ? true : undefined);
    }, HANG_CEILING_MS, 50);
    // The frozen endpoint wakes up and gets the cancellations.
    process.kill(serve.pid, 'SIGCONT');
    const result = await second.done;
    expect(result.code, explain(result)).toBe(0);
    expect(result.stderr).toMatch(/earlier workflows ended: \d+ cancelled/);
    const secondReport = await readReport(report);
    expect(secondReport).toMatchObject({ planned: COUNT, submitted: COUNT, completed: COUNT, failed: 0, unfinished: 0 });

    const all = await invocations(adminUrl);
    // Nothing is left running.
    expect(all.filter((row) => row.status !== 'completed')).toEqual([]);
    const secondOf = new Map(all.filter((row) => runIdOf(row.key) === secondReport.run_id).map((row) => [parseWorkflowKey(row.key)?.indicatorId, row]));
    expect(secondOf.size).toBe(COUNT);
    // Every first-run workflow that was unfinished at the kill completed before the second run's
    // workflow for its indicator was created, and those the second run cancelled say so.
    const cancelled = all.filter((row) => runIdOf(row.key) === firstRunId && row.completion_result === 'failure');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const earlier of unfinishedAtKill) {
      const ended = all.find((row) => row.id === earlier.id);
      const later = secondOf.get(parseWorkflowKey(earlier.key)?.indicatorId);
      expect(ended?.completed_at, earlier.key).toBeDefined();
      expect(later?.created_at, earlier.key).toBeDefined();
      expect(Date.parse(ended?.completed_at ?? '') <= Date.parse(later?.created_at ?? ''), `${earlier.key}: ended ${ended?.completed_at ?? '?'}, next created ${later?.created_at ?? '?'}`).toBe(true);
    }
    for (const row of cancelled) expect(row.completion_failure ?? '', row.key).toMatch(/cancel/i);

    // One row per indicator, every one the second run's.
    const url = (await databaseUrl(world)) ?? '';
    const rows = await sql<{ indicator_id: string; run_id: string }>(url, 'SELECT indicator_id, run_id FROM classifications ORDER BY indicator_id');
    expect(rows.map((row) => row.indicator_id)).toEqual([...ids].sort());
    expect(new Set(rows.map((row) => row.run_id))).toEqual(new Set([secondReport.run_id]));
    expect(await sql(url, 'SELECT indicator_id FROM failures')).toEqual([]);

    process.kill(serve.pid, 'SIGTERM');
    await serve.done;
    expect((await classify(world, ['engine', 'stop'])).code).toBe(0);
    if (name === 'pglite') await classify(world, ['db', 'stop']);
  }, TEST_TIMEOUT);
});

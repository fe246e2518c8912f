// Chaos on a native cluster (3 nodes, 2 services): a hybrid run of 2,000 generated indicators against
// the LLM simulator, while one restate-server node is SIGKILLed and restarted and one service process
// is SIGKILLed and restarted. Every indicator completes once, nothing fails, and the node is back.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStatusJson, clusterUp, takeClustersDown } from './cluster-helpers.js';
import { classifiedCount, databaseUrl, explain, generateCatalog, perIndicatorCounts, readReport, removeRoot, scenariosPerTest, sql, startClassify, statusJson, waitFor, type Scenario } from './e2e-helpers.js';
import { startSim, withSim } from './e2e-llm-helpers.js';

const HOOK_TIMEOUT = 180_000;
const TEST_TIMEOUT = 1_200_000;
const COUNT = 2_000;
// Another range than cluster-native's, so the two files can run at once.
const PORTS = ['--port-base', '11000', '--port-stride', '100'];

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-chaos-'));
});
afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
});

async function recordedPid(dataDir: string, part: 'nodes' | 'services', index: number): Promise<number> {
  const file = JSON.parse(await readFile(join(dataDir, 'cluster', 'cluster.json'), 'utf8')) as Record<'nodes' | 'services', { pid: number | null }[]>;
  const pid = file[part][index - 1]?.pid ?? null;
  if (pid === null) throw new Error(`no pid recorded for ${part} ${index}`);
  return pid;
}

describe('chaos on the native cluster', () => {
  const created: Scenario[] = [];
  const newScenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);
  takeClustersDown(() => created.splice(0), HOOK_TIMEOUT);

  it(`${COUNT} indicators in hybrid mode survive a SIGKILLed node and a SIGKILLed service: completed ${COUNT}, failed 0, no row twice`, async () => {
    const base = await newScenario();
    created.push(base);
    const sim = await startSim(base, ['--seed', '9']);
    // The services ask the simulator (the cluster passes its environment to them).
    const world = withSim(base, sim);
    await clusterUp(world, ['--nodes', '3', '--services', '2', ...PORTS]);
    const catalog = join(world.dataDir, 'catalog.ndjson');
    await generateCatalog(catalog, COUNT, 17);
    const reportFile = join(world.dataDir, 'report.json');
    const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'hybrid', '--report', reportFile]);

    const progressed = (at: number) => async (): Promise<true | undefined> => {
      if (!run.running()) throw new Error(`the run ended early:\n${run.output().stderr}`);
      return ((await classifiedCount(world)) ?? 0) >= at ? true : undefined;
    };
    await waitFor(`${COUNT / 5} classified`, progressed(COUNT / 5), 600_000, 500);
    const node2 = await recordedPid(world.dataDir, 'nodes', 2);
    process.kill(node2, 'SIGKILL');
    // A moment down mid-run, then `cluster up` restarts only it.
    await new Promise((done) => setTimeout(done, 3_000));
    await clusterUp(world);

    await waitFor(`${COUNT / 2} classified`, progressed(COUNT / 2), 600_000, 500);
    process.kill(await recordedPid(world.dataDir, 'services', 1), 'SIGKILL');
    await new Promise((done) => setTimeout(done, 3_000));
    await clusterUp(world);

    const result = await run.done;
    expect(result.code, explain(result)).toBe(0);
    const report = await readReport(reportFile);
    expect(report).toMatchObject({ status: 'completed', planned: COUNT, completed: COUNT, failed: 0 });
    expect(report.llm_requests).toBeGreaterThan(0);

    const url = (await databaseUrl(world)) ?? '';
    const [saved] = await sql<{ rows: number; ids: number }>(url, 'SELECT count(*)::int AS rows, count(DISTINCT indicator_id)::int AS ids FROM classifications');
    expect(saved).toEqual({ rows: COUNT, ids: COUNT });
    const system = await statusJson(world);
    expect(system.rowsConsistent).toBe(true);
    expect(Object.values(perIndicatorCounts(system.rows ?? {}))).toEqual(Array<number>(8).fill(COUNT));

    const status = await clusterStatusJson(world);
    expect(status.healthy).toBe(true);
    expect(status.nodes[1]?.healthy).toBe(true);
    expect(status.nodes[1]?.pid).not.toBe(node2);
  }, TEST_TIMEOUT);
});

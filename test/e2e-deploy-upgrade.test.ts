// Versioned deployments (issue 11, item 2), as an operator upgrades: a run goes through a `classify
// serve` of build A; mid-run a second serve of build B (another version, here named by
// CLASSIFY_BUILD_VERSION) starts on another port and registers. The engine sends every invocation
// created after that to B's deployment, those already started on A finish on A (pinned to it), B's
// serve removes A's deployment once nothing runs on it any more, and every indicator completes
// exactly once.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listDeployments, query } from '../src/engine/admin.js';
import { freePorts } from '../src/engine/ports.js';
import {
  classify, databaseUrl, engineOf, explain, generateCatalog, perIndicatorCounts, readReport, scenariosPerTest, sql, startClassify, statusJson, waitFor,
  type Child, type Scenario,
} from './e2e-helpers.js';
import { startSim, withSim } from './e2e-llm-helpers.js';

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 480_000;
const COUNT = 24;

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-upgrade-'));
});

/** `classify serve` of build `version`, registered; returns it with the URL it printed. */
async function startServeOf(scenario: Scenario, version: string, port: number, adminUrl: string): Promise<{ serve: Child; url: string }> {
  const serve = startClassify({ ...scenario, env: { ...scenario.env, CLASSIFY_BUILD_VERSION: version } }, ['serve', '--port', String(port), '--register-at', adminUrl]);
  await waitFor(`classify serve (build ${version}) to register`, () => {
    if (serve.output().stdout.includes('registered at')) return Promise.resolve(true);
    if (!serve.running()) throw new Error(`classify serve exited:\n${serve.output().stderr}`);
    return Promise.resolve(undefined);
  });
  const url = /listening on (\S+)/.exec(serve.output().stdout)?.[1] ?? '';
  return { serve, url };
}

interface InvocationRow {
  id: string;
  key: string;
  deployment: string;
  created_at: string;
  result: string;
}

/** Every invocation of the classify workflow's run handler the engine keeps. */
async function workflowInvocations(adminUrl: string): Promise<InvocationRow[]> {
  const rows = await query(
    adminUrl,
    `select id, target_service_key as key, pinned_deployment_id as deployment, created_at, status, completion_result as result
       from sys_invocation where target_service_name = 'classifyIndicator' and target_handler_name = 'run'`,
  );
  return rows.map((row) => ({ id: String(row.id), key: String(row.key), deployment: String(row.deployment), created_at: String(row.created_at), result: String(row.result) }));
}

describe('versioned deployments', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it('a second build registered mid-run takes the new invocations, the first finishes its own and is removed once drained, every indicator once', async () => {
    const base = await scenario();
    // Slow answers keep workflows running on A while B registers.
    const sim = await startSim(base, ['--latency-ms', '1500', '--seed', '5']);
    const world = withSim(base, sim);
    for (const command of [['db', 'start'], ['engine', 'start']]) {
      const started = await classify(world, command);
      expect(started.code, explain(started)).toBe(0);
    }
    const { adminUrl } = await engineOf(world);
    const [portA = 0, portB = 0] = await freePorts(2);
    const a = await startServeOf(world, 'build-a', portA, adminUrl);
    expect(a.url).toBe(`http://127.0.0.1:${portA}/v/build-a`);
    const catalog = join(world.dataDir, 'catalog.ndjson');
    await generateCatalog(catalog, COUNT, 41);
    const report = join(world.dataDir, 'report.json');
    // A few at a time, so that most indicators are submitted after the upgrade; the run is given the address only.
    const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'llm', '--endpoint-url', `http://127.0.0.1:${portA}`, '--max-in-flight', '4', '--report', report]);

    // Precondition, from the engine: workflows are running on A (pinned to its deployment) before B comes.
    const deploymentA = (await listDeployments(adminUrl)).find((d) => d.uri === a.url);
    expect(deploymentA, 'build A registered').toBeDefined();
    const idA = deploymentA?.id ?? '';
    await waitFor('workflows running on build A', async () => {
      if (!run.running()) throw new Error(`the run ended first:\n${run.output().stderr}`);
      const running = await query(adminUrl, `select count(*) as n from sys_invocation where target_service_name = 'classifyIndicator' and status <> 'completed' and pinned_deployment_id = '${idA}'`);
      return Number(running[0]?.n ?? 0) > 0 ? true : undefined;
    }, 180_000, 100);
    const b = await startServeOf(world, 'build-b', portB, adminUrl);
    const deploymentB = (await listDeployments(adminUrl)).find((d) => d.uri === b.url);
    expect(deploymentB, 'build B registered').toBeDefined();
    const idB = deploymentB?.id ?? '';
    // Registering B found A busy (it stays until drained), or already drained if its last workflows ended
    // in between; B prints which once it has checked (after its "registered at" line).
    const retiredLine = new RegExp(`1 older deployment still draining \\(${idA} v build-a: \\d+ unfinished\\)|removed 1 drained older deployment \\(${idA} v build-a\\)`);
    await waitFor('B to say what became of A', () => Promise.resolve(retiredLine.test(b.serve.output().stdout) ? true : undefined), 60_000);
    const shown = (await statusJson(world)).deployments ?? [];
    expect(shown.find((d) => d.id === idB)).toMatchObject({ version: 'build-b', uri: b.url });

    const result = await run.done;
    expect(result.code, explain(result)).toBe(0);
    expect(await readReport(report)).toMatchObject({ status: 'completed', completed: COUNT, failed: 0, llm_fallback_fields: 0 });

    // A drained: B's serve removes it (it checks every 5 s).
    await waitFor('deployment A to be removed', async () => ((await listDeployments(adminUrl)).some((d) => d.id === idA) ? undefined : true), 60_000, 500);
    expect(b.serve.output().stdout).toContain(`removed 1 drained older deployment (${idA} v build-a)`);
    expect((await listDeployments(adminUrl)).map((d) => d.id)).toEqual([idB]);

    // Each workflow ran once, to success, on the deployment that was newest when it was created.
    const invocations = await workflowInvocations(adminUrl);
    expect(invocations).toHaveLength(COUNT);
    expect(new Set(invocations.map((i) => i.key)).size).toBe(COUNT);
    expect(invocations.every((i) => i.result === 'success')).toBe(true);
    const onA = invocations.filter((i) => i.deployment === idA);
    const onB = invocations.filter((i) => i.deployment === idB);
    expect(onA.length + onB.length).toBe(COUNT);
    expect(onA.length).toBeGreaterThan(0);
    expect(onB.length).toBeGreaterThan(0);
    const registeredB = Date.parse(deploymentB?.created_at ?? '');
    expect(invocations.filter((i) => Date.parse(i.created_at) > registeredB).every((i) => i.deployment === idB)).toBe(true);

    // Every indicator classified exactly once, one row in every stage table.
    const url = await databaseUrl(world);
    expect(url).not.toBeNull();
    const [saves] = await sql<{ n: number; ids: number }>(url ?? '', 'SELECT count(*)::int AS n, count(DISTINCT indicator_id)::int AS ids FROM classifications');
    expect(saves).toEqual({ n: COUNT, ids: COUNT });
    const after = await statusJson(world);
    expect(perIndicatorCounts(after.rows ?? {})).toEqual(Object.fromEntries(Object.keys(perIndicatorCounts(after.rows ?? {})).map((table) => [table, COUNT])));
  }, TEST_TIMEOUT);
});

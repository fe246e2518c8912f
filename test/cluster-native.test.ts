// The native cluster as a user runs it: `classify cluster up` with 3 restate-server nodes and 2
// `classify serve` processes behind HAProxy, a rules-mode run through it that saves every row once,
// `cluster down` and `up` again, SIGKILLed parts restarted by `up`, logs, and `clean`.
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../src/engine/state.js';
import { clusterStatusJson, clusterUp, takeClustersDown } from './cluster-helpers.js';
import { classify, databaseUrl, explain, generateCatalog, perIndicatorCounts, readReport, removeRoot, scenariosPerTest, sql, statusJson, type Scenario } from './e2e-helpers.js';

const HOOK_TIMEOUT = 180_000;
const TEST_TIMEOUT = 900_000;
const COUNT = 300;
// Clear of the single-node defaults and of the other cluster tests: node i at 18080/19070/15122 + 100·(i−1), services 14080+, balancer 14000, S3 19000.
const PORTS = ['--port-base', '10000', '--port-stride', '100'];

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-cluster-'));
});
afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
});

describe('the native cluster', () => {
  const created: Scenario[] = [];
  const newScenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);
  const scenario = async (): Promise<Scenario> => {
    const made = await newScenario();
    created.push(made);
    return made;
  };
  takeClustersDown(() => created.splice(0), HOOK_TIMEOUT);

  it('comes up healthy, classifies a run through every node and service once, restarts what died, and cleans up', async () => {
    const world = await scenario();
    await clusterUp(world, ['--nodes', '3', '--services', '2', ...PORTS]);
    const status = await clusterStatusJson(world);
    expect(status.healthy).toBe(true);
    expect(status.nodes.map((node) => [node.index, node.ingress_url, node.admin_url, node.healthy])).toEqual([
      [1, 'http://127.0.0.1:18080', 'http://127.0.0.1:19070', true],
      [2, 'http://127.0.0.1:18180', 'http://127.0.0.1:19170', true],
      [3, 'http://127.0.0.1:18280', 'http://127.0.0.1:19270', true],
    ]);
    expect(status.services.map((service) => [service.index, service.url, service.healthy])).toEqual([
      [1, 'http://127.0.0.1:14080', true],
      [2, 'http://127.0.0.1:14081', true],
    ]);
    for (const part of [...status.nodes, ...status.services]) expect(part.pid).toBeGreaterThan(0);
    expect(status.load_balancer).toMatchObject({ url: 'http://127.0.0.1:14000', healthy: true });
    expect(status.database).toMatchObject({ kind: 'embedded', up: true });
    // The balancer's address with the services' build path (versioned deployments).
    expect(status.deployment?.url).toMatch(/^http:\/\/127\.0\.0\.1:14000\/v\/[0-9a-f]{12}$/);
    expect(status.latest_run).toBeNull();
    expect(status.services.map((service) => service.invocation_share)).toEqual([null, null]);

    // `classify run` takes the nodes and the balancer from the cluster file: no engine or endpoint of its own.
    const catalog = join(world.dataDir, 'catalog.ndjson');
    await generateCatalog(catalog, COUNT, 21);
    const reportFile = join(world.dataDir, 'report.json');
    const run = await classify(world, ['run', '--catalog', catalog, '--mode', 'rules', '--report', reportFile], 300_000);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stderr).toContain('engine: cluster classify (3 nodes, 2 services)');
    // Registered by `cluster up`: the run's registration is a no-op.
    expect(run.stderr).toContain(`service endpoint: ${status.deployment?.url ?? ''} (already registered as deployment ${status.deployment?.id ?? ''})`);
    const report = await readReport(reportFile);
    expect(report).toMatchObject({ status: 'completed', planned: COUNT, completed: COUNT, failed: 0 });
    expect(Object.keys(report.ingress_share).sort()).toEqual(status.nodes.map((node) => node.ingress_url));
    expect(Object.keys(report.service_share)).toHaveLength(2);
    const url = await databaseUrl(world);
    expect(url).not.toBeNull();
    const [saved] = await sql<{ rows: number; ids: number }>(url ?? '', 'SELECT count(*)::int AS rows, count(DISTINCT indicator_id)::int AS ids FROM classifications');
    expect(saved).toEqual({ rows: COUNT, ids: COUNT });
    const system = await statusJson(world);
    expect(system.rowsConsistent).toBe(true);
    expect(Object.values(perIndicatorCounts(system.rows ?? {}))).toEqual(Array<number>(8).fill(COUNT));

    // Every partition has one leader among the nodes; the services' shares are the report's, by pid.
    const after = await clusterStatusJson(world);
    expect(after.nodes.reduce((sum, node) => sum + (node.partitions_led ?? 0), 0)).toBe(after.partitions);
    expect(after.latest_run).toEqual({ id: report.run_id, saved: COUNT });
    const shares = after.services.map((service) => service.invocation_share ?? 0);
    for (const share of shares) expect(share).toBeGreaterThan(0);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 6);
    expect(shares.map((share) => Math.round(share * COUNT)).sort((a, b) => a - b)).toEqual(Object.values(report.service_share).map((share) => Math.round(share * COUNT)).sort((a, b) => a - b));

    // down: nothing runs, the data stays; up: the same cluster (same deployment) again.
    const down = await classify(world, ['cluster', 'down']);
    expect(down.code, explain(down)).toBe(0);
    for (const part of [...status.nodes, ...status.services, status.load_balancer, status.object_store]) expect(await isAlive(part.pid ?? 0)).toBe(false);
    const stopped = await clusterStatusJson(world);
    expect(stopped.healthy).toBe(false);
    expect([...stopped.nodes, ...stopped.services].every((part) => part.pid === null && !part.healthy)).toBe(true);
    await clusterUp(world);
    const again = await clusterStatusJson(world);
    expect(again.healthy).toBe(true);
    expect(again.deployment?.id).toBe(status.deployment?.id);

    // A node and a service killed outright: status says so, and `up` restarts just those two.
    const node2 = again.nodes[1]?.pid ?? 0;
    const service1 = again.services[0]?.pid ?? 0;
    process.kill(node2, 'SIGKILL');
    process.kill(service1, 'SIGKILL');
    const hurt = await clusterStatusJson(world);
    expect(hurt.healthy).toBe(false);
    expect(hurt.nodes.map((node) => node.healthy)).toEqual([true, false, true]);
    expect(hurt.services.map((service) => service.healthy)).toEqual([false, true]);
    const restart = await classify(world, ['cluster', 'up'], 240_000);
    expect(restart.code, explain(restart)).toBe(0);
    expect(restart.stderr).toMatch(/started node 2 \(restate-server\)/);
    expect(restart.stderr).toMatch(/started service 1 \(classify serve\)/);
    expect(restart.stderr).not.toMatch(/started node [13]|started service 2/);
    const healed = await clusterStatusJson(world);
    expect(healed.healthy).toBe(true);
    expect(healed.nodes[0]?.pid).toBe(again.nodes[0]?.pid);

    // A second run through the restarted cluster.
    const rerun = await classify(world, ['run', '--force', '--limit', '60', '--mode', 'rules', '--report', reportFile], 300_000);
    expect(rerun.code, explain(rerun)).toBe(0);
    expect(await readReport(reportFile)).toMatchObject({ status: 'completed', completed: 60, failed: 0 });

    // The end of service 2's own log file (its first lines may be far above: the SDK logs the killed node's aborted streams).
    const logs = await classify(world, ['cluster', 'logs', '--service', '2', '--lines', '5']);
    const serviceLog = await readFile(join(world.dataDir, 'cluster', 'logs', 'service-2.log'), 'utf8');
    expect(logs.stdout.trim()).not.toBe('');
    expect(serviceLog.trimEnd().endsWith(logs.stdout.trimEnd())).toBe(true);
    expect(serviceLog).toContain('classify service endpoint listening on http://127.0.0.1:14081');
    const all = await classify(world, ['cluster', 'logs', '--lines', '2']);
    expect(all.stdout).toMatch(/^node-3 \| /m);

    const clean = await classify(world, ['cluster', 'clean']);
    expect(clean.code, explain(clean)).toBe(0);
    await expect(access(join(world.dataDir, 'cluster'))).rejects.toThrow();
    // The database is not the cluster's: it stays.
    await access(join(world.dataDir, 'pgdata'));
  }, TEST_TIMEOUT);

  it('says in one line how to install HAProxy when it is missing', async () => {
    const world = await scenario();
    const noHaproxy = { ...world, env: { ...world.env, PATH: dirname(process.execPath) } };
    const result = await classify(noHaproxy, ['cluster', 'up', '--nodes', '3', '--services', '2', ...PORTS]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^classify: haproxy is not installed: .*apt-get install haproxy/)]);
  });

  it('refuses a size that does not fit the machine, saying why', async () => {
    const world = await scenario();
    const result = await classify(world, ['cluster', 'up', '--nodes', '40', '--services', '200', '--port-base', '10000', '--port-stride', '100']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not fit this machine: .*restate-server nodes on \d+ cores/);
    // Nothing was started.
    expect(JSON.parse(await readFile(join(world.dataDir, 'cluster', 'cluster.json'), 'utf8').catch(() => 'null'))).toBeNull();
  });
});

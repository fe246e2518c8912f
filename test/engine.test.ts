/** The engine with the real restate-server binary: start, health, loopback only, stop, admin API, restart. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, health, invocationCounts, listDeployments, query, registerDeployment } from '../src/engine/admin.js';
import { restateServerBinary } from '../src/engine/binary.js';
import { engineConfigToml } from '../src/engine/config.js';
import { ensureEngine, findEngine } from '../src/engine/find.js';
import { engineHealth } from '../src/engine/health.js';
import { enginePaths } from '../src/engine/paths.js';
import { startEngine, stopEngine, type Engine } from '../src/engine/process.js';
import { EngineStateSchema, isAlive, readEngineState } from '../src/engine/state.js';
import { freshDataDir, listeningSockets, removeRoot, restateServersMentioning, startTestService, tempRoot, type TestService } from './engine-helpers.js';

const LINUX = process.platform === 'linux';
const TIMEOUT = 90_000;

let root = '';
/** Everything a test started, stopped afterwards even when it fails. */
const engines: Engine[] = [];
const services: TestService[] = [];

async function start(dataDir: string, options: { detached?: boolean } = {}): Promise<Engine> {
  const engine = await startEngine({ dataDir, ...options });
  engines.push(engine);
  return engine;
}

beforeAll(async () => {
  root = await tempRoot('engine');
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
  await Promise.all(services.splice(0).map((service) => service.close()));
}, TIMEOUT);

afterAll(async () => {
  // No restate-server of ours may outlive the tests.
  if (LINUX) expect(await restateServersMentioning(root)).toEqual([]);
  await removeRoot(root);
}, TIMEOUT);

describe('the binary and its config', () => {
  it('resolves the platform binary, not the npm wrapper', () => {
    const binary = restateServerBinary();
    expect(binary).toMatch(/@restatedev\/restate-server-[a-z]+-[a-z0-9]+\/bin\/restate-server$/);
    expect(() => restateServerBinary('plan9', 'mips')).toThrow(/@restatedev\/restate-server-plan9-mips is not installed/);
  });

  it('binds every listener to 127.0.0.1 and turns telemetry off', () => {
    const toml = engineConfigToml({ nodeName: 'n', baseDir: '/tmp/a "quoted" dir', ingressPort: 1, adminPort: 2, nodePort: 3 });
    expect(toml).toContain('disable-telemetry = true');
    expect(toml).toContain('listen-mode = "tcp"');
    expect(toml).toContain('base-dir = "/tmp/a \\"quoted\\" dir"');
    const addresses = toml.split('\n').filter((line) => /address|endpoint/.test(line));
    expect(addresses).toHaveLength(6);
    for (const line of addresses) expect(line).toMatch(/"(http:\/\/)?127\.0\.0\.1:\d+\/?"$/);
  });
});

describe('startEngine / stop', () => {
  it('starts a healthy server on 127.0.0.1 only, records it, and stops it without leaving a process', async () => {
    const dataDir = await freshDataDir(root);
    const engine = await start(dataDir);
    const paths = enginePaths(dataDir);

    expect(await engineHealth(engine)).toEqual({ admin: true, ingress: true, partitions: true, ingressDown: [] });
    expect(await health(engine.adminUrl)).toBe(true);

    const state = EngineStateSchema.parse(JSON.parse(await readFile(paths.state, 'utf8')));
    expect(state).toMatchObject({ pid: engine.pid, ingressUrl: engine.ingressUrl, adminUrl: engine.adminUrl });
    expect(Date.parse(state.startedAt)).not.toBeNaN();

    const config = await readFile(paths.config, 'utf8');
    expect(config).toContain(`base-dir = "${paths.dir}"`);
    expect(config).toContain(`bind-address = "127.0.0.1:${state.nodePort}"`);
    expect(existsSync(`${paths.dir}/classify`)).toBe(true);
    expect((await readFile(paths.log, 'utf8')).length).toBeGreaterThan(0);

    if (LINUX) {
      // What actually listens: exactly our three ports, all on the loopback address.
      const sockets = await listeningSockets(engine.pid);
      const ports = [new URL(engine.ingressUrl).port, new URL(engine.adminUrl).port, String(state.nodePort)].map(Number);
      expect(sockets.map((socket) => socket.port).sort()).toEqual([...ports].sort());
      for (const socket of sockets) expect(socket.address).toBe('127.0.0.1');
    }

    await engine.stop();
    expect(await isAlive(engine.pid)).toBe(false);
    expect(existsSync(paths.state)).toBe(false);
    if (LINUX) expect(await restateServersMentioning(dataDir)).toEqual([]);
    expect(await engineHealth(engine)).toEqual({ admin: false, ingress: false, partitions: false, ingressDown: [engine.ingressUrl] });
  }, TIMEOUT);

  it('refuses a second engine on the same data dir', async () => {
    const dataDir = await freshDataDir(root);
    const engine = await start(dataDir);
    await expect(startEngine({ dataDir })).rejects.toThrow(/already runs \(pid \d+/);
    expect(await health(engine.adminUrl)).toBe(true);
  }, TIMEOUT);

  it('lets only one of two concurrent starts spawn a server', async () => {
    const dataDir = await freshDataDir(root);
    const results = await Promise.allSettled([startEngine({ dataDir }), startEngine({ dataDir })]);
    for (const result of results) if (result.status === 'fulfilled') engines.push(result.value);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(String(rejected?.reason)).toMatch(/is starting the engine/);
    if (LINUX) expect(await restateServersMentioning(dataDir)).toHaveLength(1);
  }, TIMEOUT);

  it('fails with the log tail when the server cannot start', async () => {
    const dataDir = await freshDataDir(root);
    const blocker = await startTestService('Blocker');
    services.push(blocker);
    // The admin port is taken and explicit: the server exits, and nothing is left behind.
    const failure = startEngine({ dataDir, ports: { admin: blocker.port }, healthTimeoutMs: 30_000 });
    await expect(failure).rejects.toThrow(/exited during startup[\s\S]*restate\.log/);
    expect(await readEngineState(dataDir)).toBeNull();
    if (LINUX) expect(await restateServersMentioning(dataDir)).toEqual([]);
  }, TIMEOUT);

  it('stopEngine stops a detached engine by its recorded pid, and ignores a stale record', async () => {
    const dataDir = await freshDataDir(root);
    const engine = await start(dataDir, { detached: true });
    expect(await stopEngine(dataDir)).toEqual({ stopped: true, pid: engine.pid });
    expect(await isAlive(engine.pid)).toBe(false);
    expect(existsSync(enginePaths(dataDir).state)).toBe(false);

    // A record naming a process that is not our restate-server (here: this test process) is stale.
    const stale = { pid: process.pid, ingressUrl: 'http://127.0.0.1:1', adminUrl: 'http://127.0.0.1:2', nodePort: 3, startedAt: new Date().toISOString() };
    await writeFile(enginePaths(dataDir).state, JSON.stringify(stale));
    expect(await stopEngine(dataDir)).toMatchObject({ stopped: false, pid: process.pid });
    expect(existsSync(enginePaths(dataDir).state)).toBe(false);
    expect(await stopEngine(dataDir)).toMatchObject({ stopped: false, pid: null });
  }, TIMEOUT);
});

describe('admin API', () => {
  it('counts invocations per status with SQL, registers and re-registers a deployment', async () => {
    const engine = await start(await freshDataDir(root));
    expect(await invocationCounts(engine.adminUrl, "Nobody's service")).toEqual({
      pending: 0, scheduled: 0, ready: 0, running: 0, backing_off: 0, suspended: 0, paused: 0, completed: 0, failed: 0, other: 0, total: 0,
    });
    expect(await listDeployments(engine.adminUrl)).toEqual([]);
    await expect(query(engine.adminUrl, 'select no_such_column from sys_invocation')).rejects.toBeInstanceOf(AdminError);

    const service = await startTestService('EngineGreeter');
    services.push(service);
    const registered = await registerDeployment(engine.adminUrl, service.url);
    expect(registered.created).toBe(true);
    expect(registered.services.map((s) => s.name)).toEqual(['EngineGreeter']);

    const call = (handler: string, suffix = '') =>
      fetch(`${engine.ingressUrl}/EngineGreeter/${handler}${suffix}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"ada"' });
    expect(await (await call('greet')).json()).toBe('hello ada');
    expect((await call('fail')).status).toBe(500);
    expect((await call('wait', '/send')).status).toBe(202);
    await expect.poll(async () => (await invocationCounts(engine.adminUrl, 'EngineGreeter')).total, { timeout: 10_000 }).toBe(3);
    const counts = await invocationCounts(engine.adminUrl, 'EngineGreeter');
    expect(counts).toMatchObject({ completed: 2, failed: 1, total: 3 });
    expect(counts.pending + counts.ready + counts.running + counts.suspended + counts.backing_off).toBe(1);

    // A code change: the same URI now serves one more handler; forced re-registration replaces it.
    await service.close();
    const changed = await startTestService('EngineGreeter', { port: service.port, extra: true });
    services.push(changed);
    const again = await registerDeployment(engine.adminUrl, changed.url, { force: true });
    expect(again.id).toBe(registered.id);
    expect(again.services[0]?.revision).toBeGreaterThan(registered.services[0]?.revision ?? 0);
    expect(await (await call('added')).json()).toBe('new');
    const deployments = await listDeployments(engine.adminUrl);
    expect(deployments.map((d) => d.uri)).toEqual([`${service.url}/`]);
  }, TIMEOUT);

  it('keeps its state when killed with SIGKILL and started again on the same data dir', async () => {
    const dataDir = await freshDataDir(root);
    const service = await startTestService('Survivor');
    services.push(service);
    const first = await start(dataDir);
    const { id } = await registerDeployment(first.adminUrl, service.url);

    process.kill(first.pid, 'SIGKILL');
    await expect.poll(() => isAlive(first.pid), { timeout: 10_000 }).toBe(false);
    expect(await readEngineState(dataDir)).toMatchObject({ pid: first.pid }); // stale, left behind
    expect(await findEngine(dataDir, {})).toBeNull();

    const second = await start(dataDir);
    expect(second.pid).not.toBe(first.pid);
    expect((await listDeployments(second.adminUrl)).map((d) => d.id)).toEqual([id]);
    expect(await readEngineState(dataDir)).toMatchObject({ pid: second.pid });
  }, TIMEOUT);
});

describe('findEngine / ensureEngine', () => {
  it('prefers RESTATE_INGRESS_URL + RESTATE_ADMIN_URL, else a running local engine, else none', async () => {
    const dataDir = await freshDataDir(root);
    const env = { RESTATE_INGRESS_URL: 'http://127.0.0.1:18080/', RESTATE_ADMIN_URL: 'http://127.0.0.1:19070' };
    expect(await findEngine(dataDir, env)).toEqual({
      ingressUrl: 'http://127.0.0.1:18080', adminUrl: 'http://127.0.0.1:19070', pid: null, source: 'env', startedAt: null, owner: null,
    });
    await expect(findEngine(dataDir, { RESTATE_ADMIN_URL: 'http://127.0.0.1:19070' })).rejects.toThrow(/both RESTATE_INGRESS_URL and RESTATE_ADMIN_URL/);
    // Several ingress nodes of one cluster, comma-separated.
    const cluster = { ...env, RESTATE_INGRESS_URL: 'http://10.0.0.1:8080/, http://10.0.0.2:8080' };
    expect(await findEngine(dataDir, cluster)).toMatchObject({ ingressUrl: 'http://10.0.0.1:8080,http://10.0.0.2:8080' });
    await expect(findEngine(dataDir, { ...env, RESTATE_INGRESS_URL: 'not a url' })).rejects.toThrow(/RESTATE_INGRESS_URL is not a URL/);
    expect(await findEngine(dataDir, {})).toBeNull();

    const engine = await start(dataDir);
    expect(await findEngine(dataDir, {})).toMatchObject({ pid: engine.pid, source: 'local', adminUrl: engine.adminUrl });
    // The environment wins over the local engine.
    expect(await findEngine(dataDir, env)).toMatchObject({ source: 'env', pid: null });

    // ensureEngine uses what it finds (not owned), here an external engine named by the environment.
    const external = await ensureEngine(await freshDataDir(root), { RESTATE_INGRESS_URL: engine.ingressUrl, RESTATE_ADMIN_URL: engine.adminUrl });
    expect(external).toMatchObject({ owned: false, engine: { source: 'env', adminUrl: engine.adminUrl } });
    const local = await ensureEngine(dataDir, {});
    expect(local).toMatchObject({ owned: false, engine: { source: 'local', pid: engine.pid } });
  }, TIMEOUT);

  it('ensureEngine starts an engine it owns when there is none, and fails fast on an unhealthy external one', async () => {
    const dataDir = await freshDataDir(root);
    const ensured = await ensureEngine(dataDir, {});
    expect(ensured.owned).toBe(true);
    if (!ensured.owned) return;
    engines.push(ensured.engine);
    expect(await health(ensured.engine.adminUrl)).toBe(true);
    await ensured.engine.stop();
    expect(await isAlive(ensured.engine.pid)).toBe(false);

    const dead = { RESTATE_INGRESS_URL: 'http://127.0.0.1:9', RESTATE_ADMIN_URL: 'http://127.0.0.1:9' };
    await expect(ensureEngine(dataDir, dead, { healthTimeoutMs: 500 })).rejects.toThrow(/not healthy/);
  }, TIMEOUT);
});

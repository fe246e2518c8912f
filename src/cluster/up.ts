/**
 * `classify cluster up`: brings every part of a native cluster up, in dependency order (database,
 * object store, nodes, services, load balancer, registration), starting only what is down, so running
 * it again restarts whatever died. The cluster file records each process as soon as it is spawned.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { maskUrl } from '../db/connect.js';
import { startDatabaseDaemon } from '../db/daemon.js';
import { listDeployments } from '../engine/admin.js';
import { describeRetired, registerVersioned } from '../runner/deployments.js';
import { buildVersion, versionPath } from '../workflow/build-version.js';
import { withStartLock } from '../engine/lock.js';
import { readClusterFile, writeClusterFile, type ClusterFile } from './cluster-file.js';
import { balancerComponent, nodeComponent, objectStoreComponent, serviceComponent, type Component } from './components.js';
import { checkFit } from './fit.js';
import { haproxyConfig } from './haproxy.js';
import { DEFAULT_PORT_STRIDE, planTopology } from './plan.js';
import { clusterPaths, haproxyLogPath, nodeConfigPath, nodeLogPath, s3LogPath, serviceLogPath } from './paths.js';
import { clusterPartitionsReady, nodeHealth, portFree, probeH2, tcpAccepts, waitUntil } from './probes.js';
import { checkHaproxy, isOurProcess, spawnDetached, type Spawned } from './processes.js';
import { restateNodeToml } from './restate-toml.js';
import { loadBalancerUrl } from './topology.js';

export interface UpOptions {
  readonly dataDir: string;
  /** Needed for a new cluster; an existing one keeps its recorded size. */
  readonly nodes?: number | undefined;
  readonly services?: number | undefined;
  readonly portBase?: number | undefined;
  readonly portStride?: number | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  /** Skip the check that the cluster fits this machine's memory and cores. */
  readonly skipFitCheck?: boolean | undefined;
  /** For the whole start (nodes: the slowest part); default 180 s. */
  readonly timeoutMs?: number | undefined;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | null {
  const url = env.DATABASE_URL?.trim();
  return url === undefined || url === '' ? null : url;
}

function newClusterFile(options: UpOptions): ClusterFile {
  if (options.nodes === undefined || options.services === undefined) {
    throw new Error(`no cluster in ${options.dataDir}: give --nodes N and --services M to create one`);
  }
  const paths = clusterPaths(options.dataDir);
  const portBase = options.portBase ?? 0;
  const portStride = options.portStride ?? DEFAULT_PORT_STRIDE;
  const topology = planTopology({
    nodes: options.nodes,
    services: options.services,
    portBase,
    portStride,
    dataDir: paths.nodes,
    target: 'native',
    database: databaseUrl(options.env) === null ? 'embedded' : 'url',
  });
  const lb = loadBalancerUrl(topology);
  const now = new Date().toISOString();
  return {
    version: 1,
    data_dir: resolve(options.dataDir),
    created_at: now,
    updated_at: now,
    port_base: portBase,
    port_stride: portStride,
    topology,
    nodes: topology.nodes.map((node) => ({
      index: node.index,
      pid: null,
      ingress_url: `http://${node.advertisedHost}:${node.ports.ingress}`,
      admin_url: `http://${node.advertisedHost}:${node.ports.admin}`,
      node_port: node.ports.node,
      log: nodeLogPath(paths, node.index),
      started_at: null,
    })),
    services: topology.services.map((service) => ({ index: service.index, pid: null, url: `http://${service.host}:${service.port}`, log: serviceLogPath(paths, service.index), started_at: null })),
    load_balancer: { pid: null, url: lb, config: paths.haproxyConfig, log: haproxyLogPath(paths) },
    object_store: { pid: null, url: `http://${topology.objectStore.host}:${topology.objectStore.port}`, dir: paths.s3, log: s3LogPath(paths) },
    database: { kind: 'embedded', pid: null, url: null },
    deployment: null,
  };
}

/** An existing cluster keeps its size: a provisioned cluster's nodes and ports are not changed by a restart. */
function checkSameSize(file: ClusterFile, options: UpOptions): void {
  const asked = [
    ['nodes', options.nodes, file.nodes.length],
    ['services', options.services, file.services.length],
    ['port base', options.portBase, file.port_base],
    ['port stride', options.portStride, file.port_stride],
  ] as const;
  for (const [name, wanted, recorded] of asked) {
    if (wanted !== undefined && wanted !== recorded) {
      throw new Error(`the cluster in ${file.data_dir} has ${name} ${recorded}, not ${wanted}: \`classify cluster clean\` first to create another (it removes the cluster's data), or leave the option out`);
    }
  }
}

async function checkPortFree(port: number, owner: string): Promise<void> {
  if (!(await portFree(port))) throw new Error(`port ${port} (${owner}) is in use by another process: stop it, or choose another --port-base`);
}

interface Starter {
  readonly file: ClusterFile;
  readonly options: UpOptions;
  readonly save: () => Promise<void>;
}

/** Starts the component unless its recorded pid still runs it; returns the spawned process or null (already up). */
async function ensure(component: Component, pid: number | null, ports: readonly { port: number; owner: string }[], record: (pid: number) => void, starter: Starter): Promise<Spawned | null> {
  if (await isOurProcess(pid, component.markers)) return null;
  for (const { port, owner } of ports) await checkPortFree(port, owner);
  const spawned = await spawnDetached(component.spawn);
  record(spawned.pid);
  // Recorded before it is healthy, so that `cluster down` finds a process that hangs while starting.
  await starter.save();
  starter.options.log(`started ${component.spawn.name}, pid ${spawned.pid}, log ${component.spawn.log}`);
  return spawned;
}

async function ensureDatabase(starter: Starter): Promise<void> {
  const { file, options } = starter;
  const external = databaseUrl(options.env);
  if (external !== null) {
    file.database = { kind: 'url', url: maskUrl(external) };
    options.log(`database: postgres ${maskUrl(external)} (DATABASE_URL), shared by every service`);
    return;
  }
  const daemon = await startDatabaseDaemon(file.data_dir);
  file.database = { kind: 'embedded', pid: daemon.pid, url: daemon.url };
  await starter.save();
  options.log(
    `database: embedded PGlite served by the \`classify db\` daemon (pid ${daemon.pid}${daemon.started ? ', started' : ', already running'}) at ${daemon.url}; set DATABASE_URL to use a real Postgres (the right choice for a cluster under load)`,
  );
}

async function ensureObjectStore(starter: Starter, deadline: number): Promise<void> {
  const { file } = starter;
  const store = file.topology.objectStore;
  const spawned = await ensure(objectStoreComponent(file), file.object_store.pid, [{ port: store.port, owner: 'object store' }], (pid) => { file.object_store.pid = pid; }, starter);
  if (spawned === null) return;
  await waitUntil('object store (s3rver)', () => tcpAccepts(store.port, store.host), { timeoutMs: deadline - Date.now(), failed: spawned.exited });
}

async function ensureNodes(starter: Starter, deadline: number): Promise<void> {
  const { file, options } = starter;
  const paths = clusterPaths(file.data_dir);
  await mkdir(paths.config, { recursive: true });
  await mkdir(paths.nodes, { recursive: true });
  const spawned: { index: number; process: Spawned }[] = [];
  // Every down node is started before any is waited for: a cluster's metadata needs a quorum of them.
  for (const node of file.topology.nodes) {
    await writeFile(nodeConfigPath(paths, node.index), restateNodeToml(file.topology, node.index));
    const record = file.nodes[node.index - 1];
    if (record === undefined) continue;
    const ports = [
      { port: node.ports.ingress, owner: `node ${node.index} ingress` },
      { port: node.ports.admin, owner: `node ${node.index} admin` },
      { port: node.ports.node, owner: `node ${node.index} node-to-node` },
    ];
    const started = await ensure(nodeComponent(file, node.index, options.env), record.pid, ports, (pid) => {
      record.pid = pid;
      record.started_at = new Date().toISOString();
    }, starter);
    if (started !== null) spawned.push({ index: node.index, process: started });
  }
  for (const record of file.nodes) {
    const watched = spawned.find((item) => item.index === record.index)?.process;
    await waitUntil(`node ${record.index} (${record.admin_url})`, async () => {
      const health = await nodeHealth(record);
      return health.admin && health.ingress;
    }, { timeoutMs: deadline - Date.now(), ...(watched === undefined ? {} : { failed: watched.exited }) });
  }
  const first = file.nodes[0];
  if (first !== undefined) await waitUntil('the cluster\'s partitions (every one led)', () => clusterPartitionsReady(first.admin_url), { timeoutMs: deadline - Date.now(), intervalMs: 500 });
  if (spawned.length > 0) options.log(`nodes: ${file.nodes.length} healthy (${spawned.length} started), partitions ready`);
}

async function ensureServices(starter: Starter, deadline: number): Promise<void> {
  const { file, options } = starter;
  const spawned: { index: number; process: Spawned }[] = [];
  for (const service of file.topology.services) {
    const record = file.services[service.index - 1];
    if (record === undefined) continue;
    const started = await ensure(serviceComponent(file, service.index, options.env), record.pid, [{ port: service.port, owner: `service ${service.index}` }], (pid) => {
      record.pid = pid;
      record.started_at = new Date().toISOString();
    }, starter);
    if (started !== null) spawned.push({ index: service.index, process: started });
  }
  for (const record of file.services) {
    const watched = spawned.find((item) => item.index === record.index)?.process;
    await waitUntil(`service ${record.index} (${record.url}/health)`, () => probeH2(record.url), { timeoutMs: deadline - Date.now(), ...(watched === undefined ? {} : { failed: watched.exited }) });
  }
}

async function ensureBalancer(starter: Starter, deadline: number): Promise<void> {
  const { file } = starter;
  await writeFile(file.load_balancer.config, haproxyConfig(file.topology));
  const lb = file.topology.loadBalancer;
  const spawned = await ensure(balancerComponent(file), file.load_balancer.pid, [{ port: lb.port, owner: 'load balancer' }], (pid) => { file.load_balancer.pid = pid; }, starter);
  // Through the balancer: it answers once its health checks have found a service up.
  await waitUntil(`load balancer (${file.load_balancer.url})`, () => probeH2(file.load_balancer.url), { timeoutMs: deadline - Date.now(), ...(spawned === null ? {} : { failed: spawned.exited }) });
}

/** Registered once, at the balancer's address; every node sees it through the replicated metadata before a run submits. */
async function register(starter: Starter, deadline: number): Promise<void> {
  const { file, options } = starter;
  const first = file.nodes[0];
  if (first === undefined) return;
  // The services run this build (serviceComponent), so they serve under its version's path; the balancer passes paths through.
  const url = `${file.load_balancer.url.replace(/\/$/, '')}${versionPath(await buildVersion(options.env))}`;
  const { deployment, retired } = await registerVersioned(first.admin_url, url);
  file.deployment = { id: deployment.id, url, registered_at: new Date().toISOString() };
  await starter.save();
  for (const node of file.nodes) {
    await waitUntil(`node ${node.index} to know deployment ${deployment.id}`, async () => {
      const known = await listDeployments(node.admin_url).catch(() => []);
      return known.some((item) => item.id === deployment.id);
    }, { timeoutMs: deadline - Date.now() });
  }
  options.log(`deployment ${deployment.id} registered at ${url} (${deployment.services.map((service) => service.name).join(', ')})`);
  const retiredLine = describeRetired(retired);
  if (retiredLine !== null) options.log(`deployments: ${retiredLine}`);
}

/** Brings the cluster of `options.dataDir` up (creating it the first time); returns its file. */
export async function clusterUp(options: UpOptions): Promise<ClusterFile> {
  await checkHaproxy();
  const paths = clusterPaths(options.dataDir);
  await mkdir(paths.root, { recursive: true });
  try {
    return await withStartLock(paths.lock, () => upLocked(options));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('another process')) throw new Error(`another classify cluster command is changing the cluster in ${options.dataDir} (${message})`);
    throw error;
  }
}

async function upLocked(options: UpOptions): Promise<ClusterFile> {
  const paths = clusterPaths(options.dataDir);
  const recorded = await readClusterFile(paths.file);
  if (recorded !== null) checkSameSize(recorded, options);
  const file = recorded ?? newClusterFile(options);
  if (options.skipFitCheck !== true) checkFit(file.topology);
  const starter: Starter = { file, options, save: () => writeClusterFile(paths.file, file) };
  await starter.save();
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  await ensureDatabase(starter);
  await ensureObjectStore(starter, deadline);
  await ensureNodes(starter, deadline);
  await ensureServices(starter, deadline);
  await ensureBalancer(starter, deadline);
  await register(starter, deadline);
  await starter.save();
  return file;
}

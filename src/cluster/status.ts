/** `classify cluster status`: every part of the cluster, up and healthy or not, from its file and live probes. */
import { databaseDaemonStatus } from '../db/daemon.js';
import { readClusterFile, type ClusterFile } from './cluster-file.js';
import { balancerComponent, nodeComponent, objectStoreComponent, serviceComponent } from './components.js';
import { clusterPaths } from './paths.js';
import { clusterPartitionsReady, nodeHealth, partitionsLed, probeH2, tcpAccepts } from './probes.js';
import { isOurProcess } from './processes.js';
import { probeDatabase, type DatabaseProbe } from './shares.js';

export interface NodeStatus {
  readonly index: number;
  readonly pid: number | null;
  readonly up: boolean;
  readonly ingress_url: string;
  readonly admin_url: string;
  readonly healthy: boolean;
  /** Partitions whose leader runs on this node (null when it does not answer). */
  readonly partitions_led: number | null;
  readonly log: string;
}

export interface ServiceStatus {
  readonly index: number;
  readonly pid: number | null;
  readonly up: boolean;
  readonly url: string;
  readonly healthy: boolean;
  /** Its share of the latest run's saved classifications (its current process), or null before any run. */
  readonly invocation_share: number | null;
  readonly log: string;
}

export interface ClusterStatus {
  readonly data_dir: string;
  readonly file: string;
  readonly healthy: boolean;
  readonly partitions_ready: boolean;
  /** Partitions configured for the cluster. */
  readonly partitions: number;
  readonly nodes: NodeStatus[];
  readonly services: ServiceStatus[];
  readonly load_balancer: { pid: number | null; up: boolean; url: string; healthy: boolean; log: string };
  readonly object_store: { pid: number | null; up: boolean; url: string; healthy: boolean };
  readonly database: { kind: 'embedded' | 'url'; url: string | null; pid: number | null; up: boolean };
  /** The run the services' shares are of: the latest in the database. */
  readonly latest_run: { id: string; saved: number } | null;
  readonly deployment: ClusterFile['deployment'];
}

export async function clusterStatus(dataDir: string, env: NodeJS.ProcessEnv): Promise<ClusterStatus | null> {
  const paths = clusterPaths(dataDir);
  const file = await readClusterFile(paths.file);
  if (file === null) return null;
  const nodes = await Promise.all(file.nodes.map(async (record) => {
    const up = await isOurProcess(record.pid, nodeComponent(file, record.index, env).markers);
    const health = up ? await nodeHealth(record) : { admin: false, ingress: false };
    return { record, up, healthy: up && health.admin && health.ingress, led: up ? await partitionsLed(record.node_port) : null };
  }));
  const anyAdmin = nodes.find((node) => node.healthy)?.record.admin_url ?? null;
  const partitionsReady = anyAdmin === null ? false : await clusterPartitionsReady(anyAdmin);
  const database = await databaseStatus(file, env);
  const latest = database.probe.up ? database.probe.latest : null;
  const services = await Promise.all(file.services.map(async (record) => {
    const up = await isOurProcess(record.pid, serviceComponent(file, record.index, env).markers);
    const share = latest === null ? null : (latest.byPid.get(record.pid ?? -1) ?? 0);
    return { index: record.index, pid: up ? record.pid : null, up, url: record.url, healthy: up && (await probeH2(record.url)), invocation_share: share, log: record.log };
  }));
  const lbUp = await isOurProcess(file.load_balancer.pid, balancerComponent(file).markers);
  const storeUp = await isOurProcess(file.object_store.pid, objectStoreComponent(file).markers);
  const store = file.topology.objectStore;
  const status: Omit<ClusterStatus, 'healthy'> = {
    data_dir: file.data_dir,
    file: paths.file,
    partitions_ready: partitionsReady,
    partitions: file.topology.partitions,
    nodes: nodes.map(({ record, up, healthy, led }) => ({
      index: record.index,
      pid: up ? record.pid : null,
      up,
      ingress_url: record.ingress_url,
      admin_url: record.admin_url,
      healthy,
      partitions_led: led,
      log: record.log,
    })),
    services,
    load_balancer: { pid: lbUp ? file.load_balancer.pid : null, up: lbUp, url: file.load_balancer.url, healthy: lbUp && (await probeH2(file.load_balancer.url)), log: file.load_balancer.log },
    object_store: { pid: storeUp ? file.object_store.pid : null, up: storeUp, url: file.object_store.url, healthy: storeUp && (await tcpAccepts(store.port, store.host)) },
    database: database.status,
    latest_run: latest === null ? null : { id: latest.run_id, saved: latest.saved },
    deployment: file.deployment,
  };
  const healthy = status.nodes.every((node) => node.healthy) && partitionsReady && services.every((service) => service.healthy) && status.load_balancer.healthy && status.object_store.healthy && database.status.up;
  return { ...status, healthy };
}

/** DATABASE_URL (the real URL is in this process's environment, the file keeps it masked) or the embedded daemon's. */
async function databaseStatus(file: ClusterFile, env: NodeJS.ProcessEnv): Promise<{ status: ClusterStatus['database']; probe: DatabaseProbe }> {
  if (file.database.kind === 'url') {
    const url = env.DATABASE_URL?.trim() ?? '';
    const probe: DatabaseProbe = url === '' ? { up: false } : await probeDatabase(url);
    return { status: { kind: 'url', url: file.database.url, pid: null, up: probe.up }, probe };
  }
  const served = await databaseDaemonStatus(file.data_dir);
  const probe: DatabaseProbe = served === null ? { up: false } : await probeDatabase(served.url);
  return { status: { kind: 'embedded', url: served?.url ?? null, pid: served?.pid ?? null, up: served !== null && probe.up }, probe };
}

function percent(share: number | null): string {
  return share === null ? '' : `  ${(share * 100).toFixed(1)}% of the latest run`;
}

function mark(ok: boolean): string {
  return ok ? 'healthy' : 'DOWN';
}

export function formatClusterStatus(status: ClusterStatus): string {
  const lines = [
    `cluster: ${status.healthy ? 'healthy' : 'NOT healthy'} (${status.nodes.length} nodes, ${status.services.length} services; ${status.file})`,
    ...status.nodes.map((node) => `  node ${node.index}     ${mark(node.healthy)}  pid ${node.pid ?? '-'}  ingress ${node.ingress_url}  admin ${node.admin_url}  leads ${node.partitions_led ?? '-'}/${status.partitions} partitions`),
    `  partitions ${status.partitions_ready ? 'ready' : 'NOT ready'}`,
    ...status.services.map((service) => `  service ${service.index}  ${mark(service.healthy)}  pid ${service.pid ?? '-'}  ${service.url}${percent(service.invocation_share)}`),
    `  balancer   ${mark(status.load_balancer.healthy)}  pid ${status.load_balancer.pid ?? '-'}  ${status.load_balancer.url} (haproxy, h2c round-robin)`,
    `  s3 store   ${mark(status.object_store.healthy)}  pid ${status.object_store.pid ?? '-'}  ${status.object_store.url} (s3rver, snapshots)`,
    status.database.kind === 'url'
      ? `  database   ${status.database.up ? 'up' : 'DOWN'}  postgres ${status.database.url ?? ''} (DATABASE_URL)`
      : `  database   ${status.database.up ? 'up' : 'DOWN'}  embedded PGlite${status.database.pid === null ? '' : ` (classify db daemon, pid ${status.database.pid})`}${status.database.url === null ? '' : ` ${status.database.url}`}`,
    ...(status.latest_run === null ? [] : [`  latest run ${status.latest_run.id}: ${status.latest_run.saved} classifications saved`]),
    `  deployment ${status.deployment === null ? 'not registered' : `${status.deployment.id} at ${status.deployment.url}`}`,
  ];
  return `${lines.join('\n')}\n`;
}

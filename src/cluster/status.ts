/** `classify cluster status`: every part of the cluster, up and healthy or not, from its file and live probes. */
import { databaseDaemonStatus } from '../db/daemon.js';
import { readClusterFile, type ClusterFile } from './cluster-file.js';
import { balancerComponent, nodeComponent, objectStoreComponent, serviceComponent } from './components.js';
import { clusterPaths } from './paths.js';
import { clusterPartitionsReady, nodeHealth, probeH2, tcpAccepts } from './probes.js';
import { isOurProcess } from './processes.js';

export interface NodeStatus {
  readonly index: number;
  readonly pid: number | null;
  readonly up: boolean;
  readonly ingress_url: string;
  readonly admin_url: string;
  readonly healthy: boolean;
  readonly log: string;
}

export interface ServiceStatus {
  readonly index: number;
  readonly pid: number | null;
  readonly up: boolean;
  readonly url: string;
  readonly healthy: boolean;
  readonly log: string;
}

export interface ClusterStatus {
  readonly data_dir: string;
  readonly file: string;
  readonly healthy: boolean;
  readonly partitions_ready: boolean;
  readonly nodes: NodeStatus[];
  readonly services: ServiceStatus[];
  readonly load_balancer: { pid: number | null; up: boolean; url: string; healthy: boolean; log: string };
  readonly object_store: { pid: number | null; up: boolean; url: string; healthy: boolean };
  readonly database: { kind: 'embedded' | 'url'; url: string | null; pid: number | null; up: boolean };
  readonly deployment: ClusterFile['deployment'];
}

export async function clusterStatus(dataDir: string, env: NodeJS.ProcessEnv): Promise<ClusterStatus | null> {
  const paths = clusterPaths(dataDir);
  const file = await readClusterFile(paths.file);
  if (file === null) return null;
  const nodes = await Promise.all(file.nodes.map(async (record) => {
    const up = await isOurProcess(record.pid, nodeComponent(file, record.index, env).markers);
    const health = up ? await nodeHealth(record) : { admin: false, ingress: false };
    return { record, up, healthy: up && health.admin && health.ingress };
  }));
  const anyAdmin = nodes.find((node) => node.healthy)?.record.admin_url ?? null;
  const partitionsReady = anyAdmin === null ? false : await clusterPartitionsReady(anyAdmin);
  const services = await Promise.all(file.services.map(async (record) => {
    const up = await isOurProcess(record.pid, serviceComponent(file, record.index, env).markers);
    return { index: record.index, pid: up ? record.pid : null, up, url: record.url, healthy: up && (await probeH2(record.url)), log: record.log };
  }));
  const lbUp = await isOurProcess(file.load_balancer.pid, balancerComponent(file).markers);
  const storeUp = await isOurProcess(file.object_store.pid, objectStoreComponent(file).markers);
  const store = file.topology.objectStore;
  const database = file.database.kind === 'url'
    ? { kind: 'url' as const, url: file.database.url, pid: null, up: true }
    : await (async () => {
        const served = await databaseDaemonStatus(file.data_dir);
        return { kind: 'embedded' as const, url: served?.url ?? null, pid: served?.pid ?? null, up: served !== null };
      })();
  const status: Omit<ClusterStatus, 'healthy'> = {
    data_dir: file.data_dir,
    file: paths.file,
    partitions_ready: partitionsReady,
    nodes: nodes.map(({ record, up, healthy }) => ({
      index: record.index,
      pid: up ? record.pid : null,
      up,
      ingress_url: record.ingress_url,
      admin_url: record.admin_url,
      healthy,
      log: record.log,
    })),
    services,
    load_balancer: { pid: lbUp ? file.load_balancer.pid : null, up: lbUp, url: file.load_balancer.url, healthy: lbUp && (await probeH2(file.load_balancer.url)), log: file.load_balancer.log },
    object_store: { pid: storeUp ? file.object_store.pid : null, up: storeUp, url: file.object_store.url, healthy: storeUp && (await tcpAccepts(store.port, store.host)) },
    database,
    deployment: file.deployment,
  };
  const healthy = status.nodes.every((node) => node.healthy) && partitionsReady && services.every((service) => service.healthy) && status.load_balancer.healthy && status.object_store.healthy && database.up;
  return { ...status, healthy };
}

function mark(ok: boolean): string {
  return ok ? 'healthy' : 'DOWN';
}

export function formatClusterStatus(status: ClusterStatus): string {
  const lines = [
    `cluster: ${status.healthy ? 'healthy' : 'NOT healthy'} (${status.nodes.length} nodes, ${status.services.length} services; ${status.file})`,
    ...status.nodes.map((node) => `  node ${node.index}     ${mark(node.healthy)}  pid ${node.pid ?? '-'}  ingress ${node.ingress_url}  admin ${node.admin_url}`),
    `  partitions ${status.partitions_ready ? 'ready' : 'NOT ready'}`,
    ...status.services.map((service) => `  service ${service.index}  ${mark(service.healthy)}  pid ${service.pid ?? '-'}  ${service.url}`),
    `  balancer   ${mark(status.load_balancer.healthy)}  pid ${status.load_balancer.pid ?? '-'}  ${status.load_balancer.url} (haproxy, h2c round-robin)`,
    `  s3 store   ${mark(status.object_store.healthy)}  pid ${status.object_store.pid ?? '-'}  ${status.object_store.url} (s3rver, snapshots)`,
    status.database.kind === 'url'
      ? `  database   postgres ${status.database.url ?? ''} (DATABASE_URL)`
      : `  database   ${status.database.up ? 'up' : 'DOWN'}  embedded PGlite${status.database.pid === null ? '' : ` (classify db daemon, pid ${status.database.pid})`}${status.database.url === null ? '' : ` ${status.database.url}`}`,
    `  deployment ${status.deployment === null ? 'not registered' : `${status.deployment.id} at ${status.deployment.url}`}`,
  ];
  return `${lines.join('\n')}\n`;
}

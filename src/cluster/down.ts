/** `classify cluster down` (stop everything, keep the data) and `clean` (stop, then remove the cluster's folder). */
import { rm } from 'node:fs/promises';
import { stopDatabaseDaemon } from '../db/daemon.js';
import { withStartLock } from '../engine/lock.js';
import { readClusterFile, writeClusterFile, type ClusterFile } from './cluster-file.js';
import { balancerComponent, nodeComponent, objectStoreComponent, serviceComponent } from './components.js';
import { clusterPaths } from './paths.js';
import { stopOurs } from './processes.js';

export interface DownOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/**
 * The balancer first (no new calls reach the services), then the services and the nodes (each
 * node's graceful shutdown is bounded by its config: 20 s), the store, the database last: in-flight
 * invocations stay in the nodes' journals and resume at the next `cluster up`.
 */
async function stopAll(file: ClusterFile, options: DownOptions): Promise<string[]> {
  const stopped: string[] = [];
  const stop = async (name: string, pid: number | null, markers: readonly string[], clear: () => void): Promise<void> => {
    if (await stopOurs(pid, markers)) stopped.push(`${name} (pid ${pid ?? '?'})`);
    clear();
  };
  await stop('load balancer', file.load_balancer.pid, balancerComponent(file).markers, () => { file.load_balancer.pid = null; });
  await Promise.all(file.services.map((record) => stop(`service ${record.index}`, record.pid, serviceComponent(file, record.index, options.env).markers, () => { record.pid = null; })));
  await Promise.all(file.nodes.map((record) => stop(`node ${record.index}`, record.pid, nodeComponent(file, record.index, options.env).markers, () => { record.pid = null; })));
  await stop('object store', file.object_store.pid, objectStoreComponent(file).markers, () => { file.object_store.pid = null; });
  if (file.database.kind === 'embedded') {
    const result = await stopDatabaseDaemon(file.data_dir);
    if (result.stopped) stopped.push(`database daemon (pid ${result.pid})`);
    file.database = { kind: 'embedded', pid: null, url: null };
  }
  return stopped;
}

/** Stops every process of the cluster; the cluster file stays (with no pids), so `cluster up` restarts the same cluster. */
export async function clusterDown(options: DownOptions): Promise<{ file: ClusterFile | null; stopped: string[] }> {
  const paths = clusterPaths(options.dataDir);
  const file = await readClusterFile(paths.file);
  if (file === null) return { file: null, stopped: [] };
  const stopped = await withStartLock(paths.lock, () => stopAll(file, options));
  await writeClusterFile(paths.file, file);
  return { file, stopped };
}

/** Stops the cluster and removes its folder: nodes' data, snapshots, logs, configs. The database is not the cluster's and stays. */
export async function clusterClean(options: DownOptions): Promise<{ stopped: string[]; removed: string }> {
  const paths = clusterPaths(options.dataDir);
  const file = await readClusterFile(paths.file).catch(() => null);
  const stopped = file === null ? [] : await withStartLock(paths.lock, () => stopAll(file, options));
  await rm(paths.root, { recursive: true, force: true });
  return { stopped, removed: paths.root };
}

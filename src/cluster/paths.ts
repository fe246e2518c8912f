/** Where a native cluster keeps its files: everything under `<data dir>/cluster/`, so `cluster clean` removes one folder. */
import { join, resolve } from 'node:path';

export interface ClusterPaths {
  readonly root: string;
  /** The cluster file: what runs (cluster-file.ts). */
  readonly file: string;
  /** Held while `cluster up` or `down` runs, so that two cannot race. */
  readonly lock: string;
  /** Parent of each node's own base-dir (`nodes/node-i`). */
  readonly nodes: string;
  readonly config: string;
  readonly logs: string;
  readonly haproxyConfig: string;
  readonly s3: string;
}

/** Absolute paths: they appear on command lines, where they identify a process as this cluster's. */
export function clusterPaths(dataDir: string): ClusterPaths {
  const root = join(resolve(dataDir), 'cluster');
  return {
    root,
    file: join(root, 'cluster.json'),
    lock: join(root, 'up.lock'),
    nodes: join(root, 'nodes'),
    config: join(root, 'config'),
    logs: join(root, 'logs'),
    haproxyConfig: join(root, 'config', 'haproxy.cfg'),
    s3: join(root, 's3'),
  };
}

export function nodeConfigPath(paths: ClusterPaths, index: number): string {
  return join(paths.config, `node-${index}.toml`);
}

export function nodeLogPath(paths: ClusterPaths, index: number): string {
  return join(paths.logs, `node-${index}.log`);
}

export function serviceLogPath(paths: ClusterPaths, index: number): string {
  return join(paths.logs, `service-${index}.log`);
}

export function haproxyLogPath(paths: ClusterPaths): string {
  return join(paths.logs, 'haproxy.log');
}

export function s3LogPath(paths: ClusterPaths): string {
  return join(paths.logs, 's3.log');
}

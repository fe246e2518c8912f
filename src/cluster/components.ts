/**
 * How each part of a native cluster is started and recognised: its command line, environment, log and
 * the markers that identify it among the machine's processes. up.ts decides when; this says how.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restateServerBinary } from '../engine/binary.js';
import type { ClusterFile } from './cluster-file.js';
import { clusterPaths, haproxyLogPath, nodeConfigPath, s3LogPath } from './paths.js';
import { restateNodeEnv } from './restate-toml.js';
import type { SpawnOptions } from './processes.js';

/**
 * s3rver's own fixed credentials: the native store listens on the loopback only and holds nothing but
 * snapshots. A compose deployment's MinIO takes its credentials from the environment, without defaults.
 */
const S3RVER_CREDENTIAL = 'S3RVER';

/** The `classify` entry point this module was built with (dist/cli/main.js). */
export function classifyMain(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

function s3rverMain(): string {
  const manifest = createRequire(import.meta.url).resolve('s3rver/package.json');
  return join(dirname(manifest), 'bin', 's3rver.js');
}

/** restate-server reads RESTATE_* variables as config overrides: a node gets only the ones meant for it. */
function withoutRestateVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('RESTATE_')));
}

export interface Component {
  readonly spawn: SpawnOptions;
  /** Substrings of its command line that identify it as this cluster's. */
  readonly markers: readonly string[];
}

export function nodeComponent(file: ClusterFile, index: number, env: NodeJS.ProcessEnv): Component {
  const paths = clusterPaths(file.data_dir);
  const config = nodeConfigPath(paths, index);
  const topology = file.topology;
  const credentials = restateNodeEnv(topology, {
    [topology.objectStore.accessKeyIdEnv]: S3RVER_CREDENTIAL,
    [topology.objectStore.secretAccessKeyEnv]: S3RVER_CREDENTIAL,
  });
  const record = file.nodes[index - 1];
  if (record === undefined) throw new Error(`no node ${index}`);
  return {
    spawn: {
      name: `node ${index} (restate-server)`,
      command: restateServerBinary(),
      args: ['--config-file', config, '--no-logo'],
      log: record.log,
      env: { ...withoutRestateVars(env), ...credentials },
      cwd: paths.nodes,
    },
    markers: ['restate-server', config],
  };
}

export function serviceComponent(file: ClusterFile, index: number, env: NodeJS.ProcessEnv): Component {
  const service = file.topology.services[index - 1];
  const record = file.services[index - 1];
  if (service === undefined || record === undefined) throw new Error(`no service ${index}`);
  const main = classifyMain();
  // Registration happens once, at the load balancer's address: a service never registers itself.
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'RESTATE_ADMIN_URL' && name !== 'RESTATE_INGRESS_URL'));
  return {
    spawn: {
      name: `service ${index} (classify serve)`,
      command: process.execPath,
      args: [main, 'serve', '--host', service.bindHost, '--port', String(service.port)],
      log: record.log,
      // The services share the cluster's database: the data dir's embedded one (through its daemon) or $DATABASE_URL.
      env: { ...rest, CLASSIFY_DATA_DIR: file.data_dir },
    },
    markers: [main, ' serve ', `--port ${service.port}`],
  };
}

export function balancerComponent(file: ClusterFile): Component {
  const paths = clusterPaths(file.data_dir);
  return {
    spawn: { name: 'load balancer (haproxy)', command: 'haproxy', args: ['-f', paths.haproxyConfig, '-db'], log: haproxyLogPath(paths), env: process.env },
    markers: ['haproxy', paths.haproxyConfig],
  };
}

export function objectStoreComponent(file: ClusterFile): Component {
  const paths = clusterPaths(file.data_dir);
  const store = file.topology.objectStore;
  const main = s3rverMain();
  return {
    spawn: {
      name: 'object store (s3rver)',
      command: process.execPath,
      // Restate does not create the bucket; s3rver does at start. Loopback only, so any well-formed signature will do.
      args: [main, '-d', paths.s3, '-a', store.bindHost, '-p', String(store.port), '--configure-bucket', store.bucket, '--allow-mismatched-signatures'],
      log: s3LogPath(paths),
      // Plain log lines, no terminal colours.
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
    markers: [main, paths.s3],
  };
}

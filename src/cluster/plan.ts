/**
 * Planning a topology from a few numbers: the port scheme, names, data folders and hosts are derived
 * here, once, so no node list is ever written by hand (the system we replace had a hard-coded one
 * with a wrong port).
 */
import { join } from 'node:path';
import { parseTopology, type Database, type Target, type Topology } from './topology.js';

/** The port scheme: node i listens on these plus (i − 1) · stride, plus the port base. */
export const NODE_PORTS = { ingress: 8080, admin: 9070, node: 5122 } as const;
export const DEFAULT_PORT_STRIDE = 10_000;
/** Service j listens on SERVICE_PORT + (j − 1): below every node port, whatever the stride. */
export const SERVICE_PORT = 4080;
export const LOAD_BALANCER_PORT = 4000;
/** MinIO's conventional port; clear of the node ports for a stride of 1,000 or 10,000. */
export const OBJECT_STORE_PORT = 9000;
/** The compose deployment's Postgres: inside the compose network only, never published. */
export const POSTGRES_PORT = 5432;
/** node-postgres' pool size per process (the default of `src/db/connect.ts`). */
export const SERVICE_POOL_SIZE = 10;
/** Connections beyond the services' pools: `classify run`, migrations, psql, monitoring. */
const SPARE_CONNECTIONS = 20;

export interface PlanOptions {
  readonly nodes: number;
  readonly services: number;
  /** Shifts every port, so that two clusters can run side by side. */
  readonly portBase?: number;
  /** The scheme's 10,000 fits 6 nodes under 65535; a bigger cluster needs a smaller stride. */
  readonly portStride?: number;
  /** Native: the data dir the nodes' folders go under. Compose: the folder inside each node's container. */
  readonly dataDir: string;
  /** Native: the loopback address everything binds to and is reached at. */
  readonly host?: string;
  readonly target?: Target;
  readonly clusterName?: string;
  readonly replication?: number;
  readonly partitions?: number;
  readonly rocksdbMemoryMiB?: number;
  /** Native only: the embedded database (default) or a real Postgres from $DATABASE_URL. */
  readonly database?: 'embedded' | 'url';
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`invalid cluster topology: ${name} must be a whole number ≥ 1, got ${value}`);
}

/** The ports of node i (1-based) under the scheme; throws when they leave the TCP range. */
export function nodePorts(index: number, portBase = 0, portStride = DEFAULT_PORT_STRIDE): { ingress: number; admin: number; node: number } {
  const shift = portBase + (index - 1) * portStride;
  const ports = { ingress: NODE_PORTS.ingress + shift, admin: NODE_PORTS.admin + shift, node: NODE_PORTS.node + shift };
  const highest = Math.max(ports.ingress, ports.admin, ports.node);
  if (highest > 65535) {
    const fit = Math.floor((65535 - NODE_PORTS.admin - portBase) / portStride) + 1;
    throw new Error(
      `invalid cluster topology: node ${index}'s ports reach ${highest} (> 65535); with port base ${portBase} and stride ${portStride} at most ${fit} nodes fit: lower the port base or the stride (e.g. 1000)`,
    );
  }
  return ports;
}

function database(target: Target, kind: 'embedded' | 'url', services: number): Database {
  if (target === 'compose') {
    return {
      kind: 'postgres',
      host: 'timescaledb',
      port: POSTGRES_PORT,
      name: 'classify',
      user: 'classify',
      passwordEnv: 'POSTGRES_PASSWORD',
      maxConnections: services * SERVICE_POOL_SIZE + SPARE_CONNECTIONS,
    };
  }
  return kind === 'url' ? { kind: 'url', urlEnv: 'DATABASE_URL' } : { kind: 'embedded' };
}

/** Builds and validates a topology; every problem is reported in one clear error. */
export function planTopology(options: PlanOptions): Topology {
  checkCount('nodes', options.nodes);
  checkCount('services', options.services);
  const target = options.target ?? 'native';
  const portBase = options.portBase ?? 0;
  const portStride = options.portStride ?? DEFAULT_PORT_STRIDE;
  if (!Number.isInteger(portBase)) throw new Error(`invalid cluster topology: port base must be a whole number, got ${portBase}`);
  if (!Number.isInteger(portStride) || portStride < 1) throw new Error(`invalid cluster topology: port stride must be a whole number ≥ 1, got ${portStride}`);
  if (target === 'compose' && options.database === 'embedded') throw new Error('invalid cluster topology: a compose deployment cannot use the embedded database: it runs its own Postgres');
  // Native: everything on one loopback address. Compose: containers bind every interface of their
  // own network namespace and are reached by service name (never localhost, which is the container itself).
  const local = options.host ?? '127.0.0.1';
  const bindHost = target === 'native' ? local : '0.0.0.0';
  const reach = (serviceName: string): string => (target === 'native' ? local : serviceName);
  const nodes = Array.from({ length: options.nodes }, (_, i) => {
    const index = i + 1;
    return {
      index,
      name: `node-${index}`,
      dataDir: join(options.dataDir, `node-${index}`),
      bindHost,
      advertisedHost: reach(`restate-${index}`),
      ports: nodePorts(index, portBase, portStride),
    };
  });
  const services = Array.from({ length: options.services }, (_, i) => ({
    index: i + 1,
    name: `classify-${i + 1}`,
    bindHost,
    host: reach(`classify-${i + 1}`),
    port: SERVICE_PORT + portBase + i,
  }));
  return parseTopology({
    target,
    clusterName: options.clusterName ?? 'classify',
    // Two copies survive the loss of any one node; one node can only hold one.
    replication: options.replication ?? Math.min(2, options.nodes),
    // Few partitions suit a 2-core machine; at least one per node, so every node leads one.
    partitions: options.partitions ?? Math.max(4, options.nodes),
    rocksdbMemoryMiB: options.rocksdbMemoryMiB ?? 256,
    snapshotEveryRecords: 10_000,
    nodes,
    services,
    loadBalancer: { bindHost, host: reach('haproxy'), port: LOAD_BALANCER_PORT + portBase },
    objectStore: {
      bindHost,
      host: reach('minio'),
      port: OBJECT_STORE_PORT + portBase,
      bucket: 'restate-snapshots',
      region: 'us-east-1',
      accessKeyIdEnv: 'CLASSIFY_S3_ACCESS_KEY_ID',
      secretAccessKeyEnv: 'CLASSIFY_S3_SECRET_ACCESS_KEY',
    },
    database: database(target, options.database ?? 'embedded', options.services),
  });
}

/** The sizes the operators of the system we replace know, as compose deployments. */
export const PRESETS = {
  '10': { nodes: 5, services: 10 },
  '20': { nodes: 5, services: 20 },
  // Ten nodes do not fit the 10,000 stride under port 65535.
  mega: { nodes: 10, services: 20, portStride: 1000 },
} as const;
export type PresetName = keyof typeof PRESETS;

export function isPresetName(value: string): value is PresetName {
  return Object.hasOwn(PRESETS, value);
}

/** A preset's compose topology; each node's data folder lives inside its own container and volume. */
export function presetTopology(preset: PresetName, options: { portBase?: number } = {}): Topology {
  return planTopology({ ...PRESETS[preset], portBase: options.portBase ?? 0, dataDir: '/restate-data', target: 'compose' });
}

/**
 * A cluster's topology: N restate-server nodes, M `classify serve` processes behind one load balancer,
 * the object store for partition snapshots and the database. One zod schema is the type, the
 * validator and the format of the cluster file; the native supervisor and the docker-compose
 * generator both start from it, so what runs in production is what the tests run.
 */
import { z } from 'zod';

/** Where everything runs: processes on this machine's loopback, or containers in one compose project. */
export const TARGETS = ['native', 'compose'] as const;
export type Target = (typeof TARGETS)[number];

/** Unprivileged ports only: a cluster never needs root. */
const Port = z.number().int().min(1024).max(65535);
const Host = z.string().min(1);

export const RestateNode = z.object({
  /** 1-based: node 1 is the one that provisions the cluster. */
  index: z.number().int().min(1),
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** The node's own `base-dir`; never shared (a shared folder corrupts both nodes). */
  dataDir: z.string().min(1),
  /** The interface its listeners bind to. */
  bindHost: Host,
  /** How the other nodes, the CLI and the services reach it (in compose: its service name). */
  advertisedHost: Host,
  ports: z.object({ ingress: Port, admin: Port, node: Port }),
});
export type RestateNode = z.infer<typeof RestateNode>;

export const ServiceProcess = z.object({
  index: z.number().int().min(1),
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  bindHost: Host,
  /** How the load balancer reaches it. */
  host: Host,
  port: Port,
});
export type ServiceProcess = z.infer<typeof ServiceProcess>;

export const LoadBalancer = z.object({ bindHost: Host, host: Host, port: Port });
export type LoadBalancer = z.infer<typeof LoadBalancer>;

/**
 * The S3 store Restate writes partition snapshots to (without one the log is never trimmed). Only
 * the names of the variables holding the credentials are recorded: the values never have defaults
 * and never reach a generated file.
 */
export const ObjectStore = z.object({
  bindHost: Host,
  host: Host,
  port: Port,
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  region: z.string().min(1),
  accessKeyIdEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  secretAccessKeyEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
});
export type ObjectStore = z.infer<typeof ObjectStore>;

/**
 * The database: the embedded PGlite (`classify db start`, native only), a real Postgres whose URL
 * is read from an environment variable at the edge (a URL may carry a password, so it is never
 * recorded), or the TimescaleDB a compose deployment runs itself.
 */
export const Database = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }),
  z.object({ kind: z.literal('url'), urlEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/) }),
  z.object({
    kind: z.literal('postgres'),
    host: Host,
    port: Port,
    name: z.string().min(1),
    user: z.string().min(1),
    passwordEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    /** Sized from the services' pools, so that M services never exhaust it. */
    maxConnections: z.number().int().min(1),
  }),
]);
export type Database = z.infer<typeof Database>;

const TopologyShape = z.object({
  target: z.enum(TARGETS),
  clusterName: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** Copies of each log record and partition; at most the number of nodes. */
  replication: z.number().int().min(1),
  partitions: z.number().int().min(1),
  /** Per node: RocksDB's whole memory budget (restate-server's default, 2 GiB, is for a big machine). */
  rocksdbMemoryMiB: z.number().int().min(64),
  /** A partition snapshot every this many log records, so that the log can be trimmed. */
  snapshotEveryRecords: z.number().int().min(1),
  nodes: z.array(RestateNode).min(1),
  services: z.array(ServiceProcess).min(1),
  loadBalancer: LoadBalancer,
  objectStore: ObjectStore,
  database: Database,
});

/** Every listening port of the topology, named for error messages. */
export function listeningPorts(topology: z.infer<typeof TopologyShape>): { owner: string; port: number }[] {
  const ports = [
    ...topology.nodes.flatMap((node) => [
      { owner: `${node.name} ingress`, port: node.ports.ingress },
      { owner: `${node.name} admin`, port: node.ports.admin },
      { owner: `${node.name} node-to-node`, port: node.ports.node },
    ]),
    ...topology.services.map((service) => ({ owner: service.name, port: service.port })),
    { owner: 'load balancer', port: topology.loadBalancer.port },
    { owner: 'object store', port: topology.objectStore.port },
  ];
  if (topology.database.kind === 'postgres') ports.push({ owner: 'database', port: topology.database.port });
  return ports;
}

function checkIndexes(kind: string, items: readonly { index: number; name: string }[], ctx: z.RefinementCtx): void {
  items.forEach((item, position) => {
    if (item.index !== position + 1) ctx.addIssue({ code: 'custom', message: `${kind} ${position + 1} has index ${item.index}: indexes must be 1..${items.length} in order` });
  });
  const names = items.map((item) => item.name);
  if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: `${kind} names must differ: ${names.join(', ')}` });
}

export const Topology = TopologyShape.superRefine((topology, ctx) => {
  const n = topology.nodes.length;
  checkIndexes('node', topology.nodes, ctx);
  checkIndexes('service', topology.services, ctx);
  if (topology.replication > n) ctx.addIssue({ code: 'custom', message: `replication ${topology.replication} needs at least ${topology.replication} nodes, but there are ${n}` });
  const dirs = topology.nodes.map((node) => node.dataDir);
  if (new Set(dirs).size !== dirs.length) ctx.addIssue({ code: 'custom', message: `every node needs its own data folder: ${dirs.join(', ')}` });
  // Ports must differ across the whole topology, not per host: compose publishes them all on one host.
  const owners = new Map<number, string>();
  for (const { owner, port } of listeningPorts(topology)) {
    const first = owners.get(port);
    if (first === undefined) owners.set(port, owner);
    else ctx.addIssue({ code: 'custom', message: `port ${port} is used twice: by ${first} and by ${owner}` });
  }
  if (topology.target === 'compose' && topology.database.kind === 'embedded') {
    ctx.addIssue({ code: 'custom', message: 'a compose deployment cannot use the embedded database: it runs its own Postgres' });
  }
});
export type Topology = z.infer<typeof Topology>;

/** Readable zod errors: one line per problem, with where it is. */
export function topologyErrors(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** Parses a topology (e.g. a cluster file read back), throwing one clear error. */
export function parseTopology(value: unknown): Topology {
  const result = Topology.safeParse(value);
  if (!result.success) throw new Error(`invalid cluster topology: ${topologyErrors(result.error)}`);
  return result.data;
}

/**
 * Where a client reaches the parts of the cluster. Inside: as the nodes and containers see each
 * other. From the host: a compose deployment publishes each port on 127.0.0.1 under the same number,
 * since service names resolve only inside the compose network.
 */
export type View = 'inside' | 'host';

function reachable(host: string, port: number, topology: Topology, view: View): string {
  return `http://${view === 'host' && topology.target === 'compose' ? '127.0.0.1' : host}:${port}`;
}

/** Every node's ingress, in node order: what `classify run` round-robins over. */
export function ingressUrls(topology: Topology, view: View = 'host'): string[] {
  return topology.nodes.map((node) => reachable(node.advertisedHost, node.ports.ingress, topology, view));
}

export function adminUrls(topology: Topology, view: View = 'host'): string[] {
  return topology.nodes.map((node) => reachable(node.advertisedHost, node.ports.admin, topology, view));
}

/** The address the deployment is registered at: the nodes call the services through it. */
export function loadBalancerUrl(topology: Topology): string {
  return reachable(topology.loadBalancer.host, topology.loadBalancer.port, topology, 'inside');
}

export function objectStoreUrl(topology: Topology): string {
  return reachable(topology.objectStore.host, topology.objectStore.port, topology, 'inside');
}

/**
 * The docker-compose deployment of a topology: the same node configs and load-balancer config as the
 * native cluster, in containers. Written for docker-compose 1.29 as well as Compose v2: no top-level
 * `name:` and no healthcheck `start_interval` (1.29 rejects both).
 */
import { stringify } from 'yaml';
import { haproxyConfig } from './haproxy.js';
import { PRESETS, type PresetName } from './plan.js';
import { restateNodeToml, SNAPSHOT_CREDENTIAL_VARS } from './restate-toml.js';
import { objectStoreUrl, type RestateNode, type Topology } from './topology.js';

/** Exact versions, never `latest`: a deployment must not change under a re-pull. */
export const IMAGES = {
  restate: 'docker.restate.dev/restatedev/restate:1.7.12',
  // The HAProxy version the native cluster's config is tested with here (Debian 12's 2.6.12).
  haproxy: 'haproxy:2.6.12',
  minio: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
  minioClient: 'minio/mc:RELEASE.2025-04-16T18-13-26Z',
  timescaledb: 'timescale/timescaledb:2.17.2-pg16',
} as const;

export const COMPOSE_FILE = 'docker-compose.cluster.yml';
export const HAPROXY_FILE = 'haproxy.cfg';
export const ENV_EXAMPLE_FILE = '.env.docker.example';
/** Where a node's generated config lies, relative to the compose file. */
export function nodeConfigFile(node: RestateNode): string {
  return `restate/${node.name}.toml`;
}

/** The LLM settings a service reads, passed through from the host's environment when set (no value here). */
const LLM_VARS = [
  'LLM_PROVIDER',
  'LLM_TIMEOUT_MS',
  'LLM_REASONING_EFFORT',
  'OPENAI_API_KEY',
  'OPENAI_MODEL',
  'OPENAI_BASE_URL',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_MODEL',
  'ANTHROPIC_BASE_URL',
];

export interface ComposeOptions {
  /** When given, the topology must have this preset's numbers; the file names it. */
  readonly preset?: PresetName;
  /** The service image `build:` produces (the project's own, so not pulled). */
  readonly serviceImage?: string;
}

/** `${NAME:?…}`: compose refuses to start without the variable: a secret never has a default. */
function required(name: string): string {
  return `\${${name}:?set ${name} in .env (see ${ENV_EXAMPLE_FILE})}`;
}

/** Published on the host's loopback only: nothing of the cluster is reachable from the network. */
function loopback(port: number): string {
  return `127.0.0.1:${port}:${port}`;
}

function volumeName(node: RestateNode): string {
  return `${node.advertisedHost}-data`;
}

function checkPreset(topology: Topology, preset: PresetName): void {
  const want = PRESETS[preset];
  if (topology.nodes.length !== want.nodes || topology.services.length !== want.services) {
    throw new Error(`preset ${preset} is ${want.nodes} nodes and ${want.services} services; the topology has ${topology.nodes.length} and ${topology.services.length}`);
  }
}

/** The compose services of the database and the object store (and the one-shot bucket creation). */
function infrastructure(topology: Topology): Record<string, unknown> {
  const db = topology.database;
  if (db.kind !== 'postgres') throw new Error(`a compose deployment runs its own Postgres; the topology's database is ${db.kind}`);
  const store = topology.objectStore;
  const s3 = { [store.accessKeyIdEnv]: required(store.accessKeyIdEnv), [store.secretAccessKeyEnv]: required(store.secretAccessKeyEnv) };
  return {
    [db.host]: {
      image: IMAGES.timescaledb,
      command: ['postgres', '-c', `max_connections=${db.maxConnections}`, '-c', `port=${db.port}`],
      environment: { POSTGRES_USER: db.user, POSTGRES_DB: db.name, POSTGRES_PASSWORD: required(db.passwordEnv) },
      volumes: [`${db.host}-data:/var/lib/postgresql/data`],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', db.user, '-d', db.name, '-p', String(db.port)], interval: '5s', timeout: '5s', retries: 30 },
      restart: 'unless-stopped',
    },
    [store.host]: {
      image: IMAGES.minio,
      command: ['server', '/data', '--address', `:${store.port}`],
      environment: { MINIO_ROOT_USER: required(store.accessKeyIdEnv), MINIO_ROOT_PASSWORD: required(store.secretAccessKeyEnv) },
      volumes: [`${store.host}-data:/data`],
      healthcheck: { test: ['CMD', 'mc', 'ready', 'local'], interval: '5s', timeout: '5s', retries: 30 },
      restart: 'unless-stopped',
    },
    // Restate does not create the bucket; this does, once, before any node starts.
    [`${store.host}-init`]: {
      image: IMAGES.minioClient,
      depends_on: { [store.host]: { condition: 'service_healthy' } },
      environment: s3,
      entrypoint: ['/bin/sh', '-c'],
      // $$: the container's shell expands these, not compose.
      command: [
        `mc alias set store ${objectStoreUrl(topology)} "$$${store.accessKeyIdEnv}" "$$${store.secretAccessKeyEnv}" && mc mb --ignore-existing store/${store.bucket}`,
      ],
      restart: 'no',
    },
  };
}

function restateNode(topology: Topology, node: RestateNode): Record<string, unknown> {
  const store = topology.objectStore;
  return {
    image: IMAGES.restate,
    environment: {
      RESTATE_CONFIG: '/etc/restate/node.toml',
      [SNAPSHOT_CREDENTIAL_VARS.accessKeyId]: required(store.accessKeyIdEnv),
      [SNAPSHOT_CREDENTIAL_VARS.secretAccessKey]: required(store.secretAccessKeyEnv),
    },
    // Its own volume at its own base-dir: nodes never share data.
    volumes: [`./${nodeConfigFile(node)}:/etc/restate/node.toml:ro`, `${volumeName(node)}:${node.dataDir}`],
    // The ingress for clients and the admin API for the CLI; node-to-node stays inside the network.
    ports: [loopback(node.ports.ingress), loopback(node.ports.admin)],
    depends_on: { [`${store.host}-init`]: { condition: 'service_completed_successfully' } },
    restart: 'unless-stopped',
  };
}

export function composeFile(topology: Topology, options: ComposeOptions = {}): string {
  if (topology.target !== 'compose') throw new Error('composeFile needs a compose topology (planTopology({ target: "compose" })): a native one binds to loopback addresses containers cannot share');
  if (options.preset !== undefined) checkPreset(topology, options.preset);
  const db = topology.database;
  if (db.kind !== 'postgres') throw new Error(`a compose deployment runs its own Postgres; the topology's database is ${db.kind}`);
  const image = options.serviceImage ?? 'classify-service:local';
  const databaseUrl = `postgres://${db.user}:${required(db.passwordEnv)}@${db.host}:${db.port}/${db.name}`;
  const services: Record<string, unknown> = { ...infrastructure(topology) };
  for (const node of topology.nodes) services[node.advertisedHost] = restateNode(topology, node);
  for (const service of topology.services) {
    services[service.host] = {
      image,
      build: { context: '.', dockerfile: 'Dockerfile' },
      command: ['classify', 'serve', '--host', service.bindHost, '--port', String(service.port)],
      // The database by its service name: inside a container, localhost is the container itself.
      environment: [`DATABASE_URL=${databaseUrl}`, ...LLM_VARS],
      depends_on: { [db.host]: { condition: 'service_healthy' } },
      restart: 'unless-stopped',
    };
  }
  const lb = topology.loadBalancer;
  services[lb.host] = {
    image: IMAGES.haproxy,
    volumes: [`./${HAPROXY_FILE}:/usr/local/etc/haproxy/haproxy.cfg:ro`],
    ports: [loopback(lb.port)],
    depends_on: topology.services.map((service) => service.host),
    restart: 'unless-stopped',
  };
  const volumes: Record<string, Record<string, never>> = {};
  for (const node of topology.nodes) volumes[volumeName(node)] = {};
  volumes[`${db.host}-data`] = {};
  volumes[`${topology.objectStore.host}-data`] = {};
  const header = [
    `Generated by classify: cluster "${topology.clusterName}"${options.preset === undefined ? '' : `, preset ${options.preset}`}, ${topology.nodes.length} Restate nodes, ${topology.services.length} services.`,
    `Secrets come from .env (see ${ENV_EXAMPLE_FILE}); compose refuses to start without them.`,
  ].join('\n');
  // YAML 1.1, as docker-compose 1.29 (PyYAML) reads it: strings such as "no" are quoted, not booleans.
  return `${header.split('\n').map((line) => `# ${line}`).join('\n')}\n${stringify({ services, volumes }, { lineWidth: 0, version: '1.1' })}`;
}

/** `.env.docker.example`: every variable the deployment needs, with no value: generate each per deployment. */
export function envExample(topology: Topology): string {
  const names = [topology.objectStore.accessKeyIdEnv, topology.objectStore.secretAccessKeyEnv];
  if (topology.database.kind === 'postgres') names.push(topology.database.passwordEnv);
  return [
    '# Copy to .env and fill in fresh values for this deployment, e.g. `openssl rand -hex 24` each',
    '# (hex: the database password goes into a URL unescaped).',
    ...names.map((name) => `${name}=`),
    '# Optional: the LLM provider (passed to the services when set).',
    ...LLM_VARS.map((name) => `# ${name}=`),
    '',
  ].join('\n');
}

/** Every file of a compose deployment, by path relative to its folder. */
export function deploymentFiles(topology: Topology, options: ComposeOptions = {}): { path: string; content: string }[] {
  return [
    { path: COMPOSE_FILE, content: composeFile(topology, options) },
    { path: HAPROXY_FILE, content: haproxyConfig(topology) },
    ...topology.nodes.map((node) => ({ path: nodeConfigFile(node), content: restateNodeToml(topology, node.index) })),
    { path: ENV_EXAMPLE_FILE, content: envExample(topology) },
  ];
}

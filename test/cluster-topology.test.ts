// The cluster topology and the files generated from it: the port scheme, validation, each node's
// restate-server config (loaded by the real binary), the HAProxy config (checked by haproxy -c when
// installed) and the compose deployment of every preset (checked by docker-compose config when installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFile, deploymentFiles, envExample, IMAGES, COMPOSE_FILE } from '../src/cluster/compose.js';
import { haproxyConfig } from '../src/cluster/haproxy.js';
import { nodePorts, planTopology, PRESETS, presetTopology, type PresetName } from '../src/cluster/plan.js';
import { restateNodeEnv, restateNodeToml, SNAPSHOT_CREDENTIAL_VARS } from '../src/cluster/restate-toml.js';
import { adminUrls, ingressUrls, loadBalancerUrl, objectStoreUrl, parseTopology, type Topology } from '../src/cluster/topology.js';
import { restateServerBinary } from '../src/engine/binary.js';

const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
const SECRETS = { CLASSIFY_S3_ACCESS_KEY_ID: 'test-key', CLASSIFY_S3_SECRET_ACCESS_KEY: 'test-secret', POSTGRES_PASSWORD: 'test-password' };

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
const HAS_HAPROXY = has('haproxy');
const HAS_COMPOSE = has('docker-compose');

function native(nodes: number, services = 2, extra: Partial<Parameters<typeof planTopology>[0]> = {}): Topology {
  return planTopology({ nodes, services, dataDir: '/data/cluster', ...extra });
}

/** The `key = value` lines of a TOML text's top level and of one table, by key. */
function tomlTable(text: string, table = ''): Map<string, string> {
  const entries = new Map<string, string>();
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) current = header[1] ?? '';
    const entry = /^([a-z0-9_-]+) = (.*)$/.exec(line);
    if (entry !== null && current === table) entries.set(entry[1] ?? '', entry[2] ?? '');
  }
  return entries;
}

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: Record<string, unknown>;
}
interface ComposeDoc {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  name?: unknown;
}

function composeOf(preset: PresetName): { text: string; doc: ComposeDoc; topology: Topology } {
  const topology = presetTopology(preset);
  const text = composeFile(topology, { preset });
  return { text, doc: parse(text, { version: '1.1' }) as ComposeDoc, topology };
}

function environmentValues(service: ComposeService): string[] {
  const env = service.environment ?? [];
  return Array.isArray(env) ? env : Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

describe('the port scheme', () => {
  it('gives node i ingress 8080, admin 9070 and node-to-node 5122, each plus (i − 1)·10000', () => {
    const topology = native(5);
    expect(topology.nodes.map((node) => node.ports)).toEqual([
      { ingress: 8080, admin: 9070, node: 5122 },
      { ingress: 18080, admin: 19070, node: 15122 },
      { ingress: 28080, admin: 29070, node: 25122 },
      { ingress: 38080, admin: 39070, node: 35122 },
      // The node the system we replace listed as 58080.
      { ingress: 48080, admin: 49070, node: 45122 },
    ]);
  });

  it('shifts every port by the port base', () => {
    const plain = native(3, 2);
    const shifted = native(3, 2, { portBase: 100 });
    expect(shifted.nodes[2]?.ports).toEqual({ ingress: 28180, admin: 29170, node: 25222 });
    expect(shifted.services.map((service) => service.port)).toEqual(plain.services.map((service) => service.port + 100));
    expect(shifted.loadBalancer.port).toBe(plain.loadBalancer.port + 100);
    expect(shifted.objectStore.port).toBe(plain.objectStore.port + 100);
  });

  it('binds and advertises the loopback address natively, service names in compose', () => {
    const topology = native(2);
    expect(topology.nodes.every((node) => node.bindHost === '127.0.0.1' && node.advertisedHost === '127.0.0.1')).toBe(true);
    const compose = presetTopology('10');
    expect(compose.nodes.map((node) => node.advertisedHost)).toEqual(['restate-1', 'restate-2', 'restate-3', 'restate-4', 'restate-5']);
    expect(compose.services.every((service) => service.bindHost === '0.0.0.0' && service.host === service.name)).toBe(true);
  });

  it('gives clients the nodes\' URLs: the published loopback ports from the host, service names inside compose', () => {
    expect(ingressUrls(native(3))).toEqual(['http://127.0.0.1:8080', 'http://127.0.0.1:18080', 'http://127.0.0.1:28080']);
    expect(adminUrls(native(2, 1, { portBase: 1 }))).toEqual(['http://127.0.0.1:9071', 'http://127.0.0.1:19071']);
    const compose = presetTopology('10');
    expect(ingressUrls(compose)[4]).toBe('http://127.0.0.1:48080');
    expect(ingressUrls(compose, 'inside')[4]).toBe('http://restate-5:48080');
    expect(loadBalancerUrl(compose)).toBe('http://haproxy:4000');
    expect(objectStoreUrl(compose)).toBe('http://minio:9000');
    expect(loadBalancerUrl(native(1))).toBe('http://127.0.0.1:4000');
  });

  it('gives every node its own data folder and indexes 1..N', () => {
    const topology = native(4, 3, { dataDir: '/srv/x' });
    expect(topology.nodes.map((node) => node.dataDir)).toEqual(['/srv/x/node-1', '/srv/x/node-2', '/srv/x/node-3', '/srv/x/node-4']);
    expect(topology.services.map((service) => service.index)).toEqual([1, 2, 3]);
  });

  it('replicates twice (once for a single node) and never asks for more copies than nodes', () => {
    expect(native(1).replication).toBe(1);
    expect(native(2).replication).toBe(2);
    expect(native(5).replication).toBe(2);
  });
});

describe('validation', () => {
  it.each([
    [{ nodes: 0, services: 1 }, /nodes must be a whole number ≥ 1, got 0/],
    [{ nodes: 2, services: 0 }, /services must be a whole number ≥ 1, got 0/],
    [{ nodes: 1.5, services: 1 }, /nodes must be a whole number/],
    [{ nodes: 2, services: 1, replication: 3 }, /replication 3 needs at least 3 nodes, but there are 2/],
    [{ nodes: 7, services: 1 }, /node 7's ports reach 69070 \(> 65535\).*at most 6 nodes fit/],
    [{ nodes: 1, services: 1, portBase: -5000 }, /nodes\.0\.ports\.node: .*1024/],
    [{ nodes: 1, services: 1, portStride: 0 }, /port stride must be a whole number ≥ 1/],
    // A stride of 990 puts node 2's ingress on node 1's admin port.
    [{ nodes: 2, services: 1, portStride: 990 }, /port 9070 is used twice: by node-1 admin and by node-2 ingress/],
    [{ nodes: 1, services: 1, target: 'compose' as const, database: 'embedded' as const }, /compose deployment cannot use the embedded database/],
  ])('%o', (options, error) => {
    expect(() => planTopology({ dataDir: '/d', ...options })).toThrow(error);
  });

  it('reports a port used twice, naming both owners', () => {
    const topology = native(2, 2);
    const broken = { ...topology, services: topology.services.map((service, i) => (i === 1 ? { ...service, port: 18080 } : service)) };
    expect(() => parseTopology(broken)).toThrow('invalid cluster topology: port 18080 is used twice: by node-2 ingress and by classify-2');
  });

  it('refuses nodes sharing a data folder, and indexes out of order', () => {
    const topology = native(2);
    const [first, second] = topology.nodes;
    if (first === undefined || second === undefined) throw new Error('two nodes expected');
    expect(() => parseTopology({ ...topology, nodes: [first, { ...second, dataDir: first.dataDir }] })).toThrow('every node needs its own data folder');
    expect(() => parseTopology({ ...topology, nodes: [second, first] })).toThrow(/node 1 has index 2/);
  });

  it('fits ten nodes with a stride of 1000 (the mega preset)', () => {
    expect(nodePorts(10, 0, 1000)).toEqual({ ingress: 17080, admin: 18070, node: 14122 });
    expect(presetTopology('mega').nodes).toHaveLength(10);
  });

  it('round-trips through JSON, as a cluster file would', () => {
    const topology = native(3, 2, { database: 'url' });
    expect(parseTopology(JSON.parse(JSON.stringify(topology)))).toEqual(topology);
    expect(topology.database).toEqual({ kind: 'url', urlEnv: 'DATABASE_URL' });
  });
});

describe('restate node config', () => {
  const topology = native(3);
  const configs = topology.nodes.map((node) => restateNodeToml(topology, node.index));

  it('names the cluster, the node, its own base-dir and every role', () => {
    configs.forEach((toml, i) => {
      const top = tomlTable(toml);
      expect(top.get('cluster-name')).toBe('"classify"');
      expect(top.get('node-name')).toBe(`"node-${i + 1}"`);
      expect(top.get('base-dir')).toBe(`"/data/cluster/node-${i + 1}"`);
      expect(top.get('roles')).toBe('["metadata-server", "admin", "worker", "log-server", "http-ingress"]');
      expect(top.get('default-replication')).toBe('2');
      expect(top.get('bind-address')).toBe(`"127.0.0.1:${5122 + i * 10000}"`);
      expect(top.get('advertised-address')).toBe(`"http://127.0.0.1:${5122 + i * 10000}/"`);
    });
    expect(new Set(configs.map((toml) => tomlTable(toml).get('base-dir'))).size).toBe(3);
  });

  it('lists every node as a metadata server, the same list on every node', () => {
    const expected = '["http://127.0.0.1:5122/", "http://127.0.0.1:15122/", "http://127.0.0.1:25122/"]';
    for (const toml of configs) expect(tomlTable(toml, 'metadata-client').get('addresses')).toBe(expected);
  });

  it('provisions on node 1 only', () => {
    expect(configs.map((toml) => tomlTable(toml).get('auto-provision'))).toEqual(['true', 'false', 'false']);
  });

  it('snapshots to the S3 store with no credentials in the file; they come from the environment', () => {
    const snapshots = tomlTable(configs[0] ?? '', 'worker.snapshots');
    expect(snapshots.get('destination')).toBe('"s3://restate-snapshots/classify"');
    expect(snapshots.get('aws-endpoint-url')).toBe('"http://127.0.0.1:9000"');
    for (const toml of configs) expect(toml).not.toMatch(/access-key|secret/);
    expect(restateNodeEnv(topology, SECRETS)).toEqual({
      [SNAPSHOT_CREDENTIAL_VARS.accessKeyId]: 'test-key',
      [SNAPSHOT_CREDENTIAL_VARS.secretAccessKey]: 'test-secret',
    });
    expect(() => restateNodeEnv(topology, { CLASSIFY_S3_ACCESS_KEY_ID: 'k' })).toThrow('CLASSIFY_S3_SECRET_ACCESS_KEY is not set');
  });

  it('refuses a node that does not exist', () => {
    expect(() => restateNodeToml(topology, 4)).toThrow('no node 4: the cluster has nodes 1..3');
  });

  // restate-server drops unknown keys silently: its --dump-config shows which of ours it understood.
  it('is loaded by restate-server 1.7.12 with every setting understood', () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-cluster-toml-'));
    topology.nodes.forEach((node, i) => {
      const file = join(dir, `${node.name}.toml`);
      writeFileSync(file, configs[i] ?? '');
      const dump = execFileSync(restateServerBinary(), ['--config-file', file, '--dump-config'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...restateNodeEnv(topology, SECRETS) },
      });
      const top = tomlTable(dump);
      for (const key of ['cluster-name', 'node-name', 'base-dir', 'auto-provision', 'default-replication', 'default-num-partitions', 'bind-address', 'advertised-address', 'listen-mode']) {
        expect(top.get(key), key).toBe(tomlTable(configs[i] ?? '').get(key));
      }
      expect(top.get('rocksdb-total-memory-size')).toBe('"256.0 MiB"');
      expect(Object.fromEntries(tomlTable(dump, 'worker.snapshots'))).toMatchObject(Object.fromEntries([
        ['destination', '"s3://restate-snapshots/classify"'],
        ['snapshot-interval-num-records', '10000'],
        ['aws-endpoint-url', '"http://127.0.0.1:9000"'],
        ['aws-allow-http', 'true'],
        ['aws-access-key-id', '"test-key"'],
        ['aws-secret-access-key', '"test-secret"'],
      ]));
      for (const peer of topology.nodes) expect(dump).toContain(`"http://127.0.0.1:${peer.ports.node}/"`);
      expect(tomlTable(dump, 'admin').get('bind-address')).toBe(`"127.0.0.1:${node.ports.admin}"`);
      expect(tomlTable(dump, 'ingress').get('bind-address')).toBe(`"127.0.0.1:${node.ports.ingress}"`);
    });
  });
});

describe('load balancer config', () => {
  const topology = native(2, 3);
  const config = haproxyConfig(topology);

  it('balances h2c round-robin over every service with the /health check', () => {
    expect(config).toContain(`bind 127.0.0.1:${topology.loadBalancer.port} proto h2`);
    expect(config).toMatch(/^ {2}default-server proto h2 check check-proto h2 /m);
    expect(config).toContain('http-check send meth GET uri /health ver HTTP/1.1 hdr host localhost');
    for (const line of ['balance roundrobin', 'option redispatch', 'retry-on conn-failure empty-response', 'option httpchk']) expect(config).toContain(line);
    for (const service of topology.services) expect(config).toContain(`server ${service.name} 127.0.0.1:${service.port}\n`);
    expect(config.match(/^ {2}server /gm)).toHaveLength(3);
  });

  it('reaches compose services by name through Docker\'s DNS', () => {
    const compose = haproxyConfig(presetTopology('20'));
    expect(compose.match(/^ {2}server classify-\d+ classify-\d+:\d+$/gm)).toHaveLength(20);
    expect(compose).toContain('nameserver dns 127.0.0.11:53');
  });

  it.skipIf(!HAS_HAPROXY)(`passes haproxy -c${HAS_HAPROXY ? '' : ' (skipped: haproxy not installed)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-cluster-haproxy-'));
    for (const [name, text, clean] of [['native.cfg', config, true], ['compose.cfg', haproxyConfig(presetTopology('mega')), false]] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      // Natively there is nothing to warn about; compose's service names only resolve inside Docker.
      if (clean) expect(check.stderr).not.toContain('WARNING');
      else for (const line of check.stderr.split('\n').filter((l) => l.includes('WARNING'))) expect(line).toContain('could not resolve address');
    }
  }, 120_000);
});

describe('compose deployment', () => {
  it.each(PRESET_NAMES)('preset %s: the right numbers of nodes and services, one volume per node', (preset) => {
    const { doc, topology } = composeOf(preset);
    const names = Object.keys(doc.services);
    expect(names.filter((name) => name.startsWith('restate-'))).toHaveLength(PRESETS[preset].nodes);
    expect(names.filter((name) => name.startsWith('classify-'))).toHaveLength(PRESETS[preset].services);
    const nodeVolumes = topology.nodes.map((node) => {
      const mounts = (doc.services[node.advertisedHost]?.volumes ?? []).filter((mount) => !mount.startsWith('./'));
      expect(mounts).toEqual([`${node.advertisedHost}-data:${node.dataDir}`]);
      return mounts[0]?.split(':')[0] ?? '';
    });
    expect(new Set(nodeVolumes).size).toBe(topology.nodes.length);
    for (const volume of nodeVolumes) expect(doc.volumes).toHaveProperty([volume]);
  });

  it.each(PRESET_NAMES)('preset %s: no localhost in any environment, ports on 127.0.0.1 only, pinned images', (preset) => {
    const { doc, text } = composeOf(preset);
    const pinned = new Set<string>(Object.values(IMAGES));
    for (const [name, service] of Object.entries(doc.services)) {
      for (const value of environmentValues(service)) expect(value, `${name}: ${value}`).not.toMatch(/localhost|127\.0\.0\.1/);
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:(\d+):\1$/);
      // The services' image is built from this project; every other one is pulled at an exact version.
      if (service.build === undefined) expect(pinned, `${name}: ${service.image ?? '(no image)'}`).toContain(service.image);
    }
    for (const image of Object.values(IMAGES)) expect(image).toMatch(/:(\d+\.\d+\.\d+(-pg\d+)?|RELEASE\.[0-9T-]+Z)$/);
    expect(doc.name).toBeUndefined();
    expect(text).not.toContain('start_interval');
    expect(text).not.toMatch(/^version:/m);
  });

  it.each(PRESET_NAMES)('preset %s: every secret is required from the environment, none has a default', (preset) => {
    const { text, doc } = composeOf(preset);
    const references = [...text.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1] ?? '');
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toMatch(/^[A-Z][A-Z0-9_]*:\?/);
    expect(new Set(references.map((reference) => reference.split(':')[0]))).toEqual(new Set(Object.keys(SECRETS)));
    expect(doc.services['minio']?.environment).toMatchObject({ MINIO_ROOT_USER: expect.stringMatching(/^\$\{CLASSIFY_S3_ACCESS_KEY_ID:\?/) as unknown });
    const database = environmentValues(doc.services['classify-1'] ?? {}).find((value) => value.startsWith('DATABASE_URL='));
    expect(database).toMatch(/^DATABASE_URL=postgres:\/\/classify:\$\{POSTGRES_PASSWORD:\?[^}]*\}@timescaledb:5432\/classify$/);
    expect(envExample(presetTopology(preset))).toMatch(/^CLASSIFY_S3_ACCESS_KEY_ID=$/m);
  });

  it('sizes the database for every service pool', () => {
    const { doc } = composeOf('20');
    expect(JSON.stringify(doc.services['timescaledb'])).toContain('max_connections=220');
  });

  it('refuses a native topology and a preset the topology does not match', () => {
    expect(() => composeFile(native(2))).toThrow('composeFile needs a compose topology');
    expect(() => composeFile(presetTopology('10'), { preset: 'mega' })).toThrow('preset mega is 10 nodes and 20 services; the topology has 5 and 10');
  });

  it.skipIf(!HAS_COMPOSE)(`every preset passes docker-compose config -q${HAS_COMPOSE ? '' : ' (skipped: docker-compose not installed; apt-get install docker-compose)'}`, () => {
    for (const preset of PRESET_NAMES) {
      const dir = mkdtempSync(join(tmpdir(), `classify-compose-${preset}-`));
      for (const file of deploymentFiles(presetTopology(preset), { preset })) {
        mkdirSync(dirname(join(dir, file.path)), { recursive: true });
        writeFileSync(join(dir, file.path), file.content);
      }
      const config = (env: Record<string, string>) =>
        spawnSync('docker-compose', ['-f', join(dir, COMPOSE_FILE), 'config', '-q'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
      const valid = config(SECRETS);
      expect(valid.status, `${preset}: ${valid.stderr}`).toBe(0);
      // Without the secrets compose refuses the file: no default stands in for them.
      const missing = config({});
      expect(missing.status, preset).not.toBe(0);
      expect(missing.stderr).toContain('Missing mandatory value');
    }
  }, 180_000);
});

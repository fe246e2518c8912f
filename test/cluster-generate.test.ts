// `classify cluster generate` writes the compose deployment (the same generators the topology test
// checks, plus the service's Dockerfile), and the pure parts of the native supervisor: the fit
// estimate and the cluster file's schema.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterFile, readClusterFile, writeClusterFile } from '../src/cluster/cluster-file.js';
import { estimateFit } from '../src/cluster/fit.js';
import { NODE_IMAGE, serviceDockerfile } from '../src/cluster/generate.js';
import { planTopology, presetTopology } from '../src/cluster/plan.js';
import { CLI } from './e2e-helpers.js';

const HAS_COMPOSE = spawnSync('sh', ['-c', 'command -v docker-compose']).status === 0;
const SECRETS = { CLASSIFY_S3_ACCESS_KEY_ID: 'test-key', CLASSIFY_S3_SECRET_ACCESS_KEY: 'test-secret', POSTGRES_PASSWORD: 'test-password' };

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-generate-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function generate(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'cluster', 'generate', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1)).sort();
}

describe('classify cluster generate', () => {
  it.each([
    ['10', 5, 10],
    ['20', 5, 20],
    ['mega', 10, 20],
  ])('--preset %s writes compose, haproxy, %i node configs, a Dockerfile and .env.docker.example', async (preset, nodes, services) => {
    const out = join(root, `preset-${preset}`);
    const result = generate(['--preset', preset, '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(preset ${preset}): ${nodes} Restate nodes, ${services} services`);
    const files = await filesUnder(out);
    expect(files).toEqual(
      ['.env.docker.example', 'Dockerfile', 'docker-compose.cluster.yml', 'haproxy.cfg', ...Array.from({ length: nodes }, (_, i) => `restate/node-${i + 1}.toml`)].sort(),
    );
    expect(await readFile(join(out, 'Dockerfile'), 'utf8')).toBe(serviceDockerfile());
    const haproxy = await readFile(join(out, 'haproxy.cfg'), 'utf8');
    expect(haproxy.match(/^ {2}server classify-\d+ /gm)).toHaveLength(services);
    if (HAS_COMPOSE) {
      const config = spawnSync('docker-compose', ['-f', join(out, 'docker-compose.cluster.yml'), 'config', '-q'], { cwd: out, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...SECRETS } });
      expect(config.status, config.stderr).toBe(0);
    }
  }, 60_000);

  it('--nodes and --services write the same kind of deployment; a preset with them, or neither, is refused', async () => {
    const out = join(root, 'custom');
    const result = generate(['--nodes', '3', '--services', '2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('ingress: 8080, 18080, 28080 (127.0.0.1); admin: 9070, 19070, 29070 (127.0.0.1); load balancer: 4000');
    expect(await readFile(join(out, 'restate', 'node-3.toml'), 'utf8')).toContain('node-name = "node-3"');
    expect(generate(['--preset', '10', '--nodes', '3', '--out', out]).stderr).toContain('--preset sets the nodes and services');
    expect(generate(['--out', out]).stderr).toContain('give --nodes N and --services M, or --preset 10|20|mega');
    expect(generate(['--preset', '30', '--out', out]).stderr).toContain('unknown preset "30"');
  });

  it('the service image is pinned and runs as an unprivileged user', () => {
    const dockerfile = serviceDockerfile();
    expect(dockerfile).toContain(`FROM ${NODE_IMAGE}`);
    expect(NODE_IMAGE).toMatch(/^node:\d+\.\d+\.\d+-/);
    expect(dockerfile).toContain('USER node');
  });
});

describe('does a cluster fit the machine', () => {
  const machine = { availableMiB: 20_000, cores: 2 };
  it('3 nodes and 2 services fit a 2-core machine; preset 10 (5 nodes, 10 services) does not, and says why', () => {
    expect(estimateFit(planTopology({ nodes: 3, services: 2, dataDir: '/d' }), machine).problems).toEqual([]);
    const preset10 = estimateFit(planTopology({ nodes: 5, services: 10, dataDir: '/d' }), machine);
    expect(preset10.problems.join('; ')).toContain('5 restate-server nodes on 2 cores (at most 4 fit');
    const small = estimateFit(planTopology({ nodes: 3, services: 2, dataDir: '/d' }), { availableMiB: 1_000, cores: 8 });
    expect(small.problems.join('; ')).toMatch(/estimated \d+ MiB RSS .* more than 80% of the 1000 MiB available/);
  });
});

describe('the cluster file', () => {
  const topology = planTopology({ nodes: 2, services: 1, dataDir: '/tmp/x/cluster/nodes' });
  const file: ClusterFile = {
    version: 1,
    data_dir: '/tmp/x',
    created_at: '2026-12-01T00:00:00.000Z',
    updated_at: '2026-12-01T00:00:00.000Z',
    port_base: 0,
    port_stride: 10_000,
    topology,
    nodes: [
      { index: 1, pid: 10, ingress_url: 'http://127.0.0.1:8080', admin_url: 'http://127.0.0.1:9070', node_port: 5122, log: '/l/1', started_at: null },
      { index: 2, pid: null, ingress_url: 'http://127.0.0.1:18080', admin_url: 'http://127.0.0.1:19070', node_port: 15122, log: '/l/2', started_at: null },
    ],
    services: [{ index: 1, pid: 11, url: 'http://127.0.0.1:4080', log: '/l/s', started_at: null }],
    load_balancer: { pid: 12, url: 'http://127.0.0.1:4000', config: '/c', log: '/l/h' },
    object_store: { pid: 13, url: 'http://127.0.0.1:9000', dir: '/s', log: '/l/s3' },
    database: { kind: 'embedded', pid: 14, url: 'postgres://postgres@127.0.0.1:5/postgres' },
    deployment: null,
  };

  it('round-trips through its zod schema, and refuses what it does not describe', async () => {
    const path = join(root, 'cluster.json');
    await writeClusterFile(path, file);
    expect(await readClusterFile(path)).toMatchObject({ ...file, updated_at: expect.any(String) as string });
    expect(await readClusterFile(join(root, 'none.json'))).toBeNull();
    expect(ClusterFile.safeParse({ ...file, nodes: [] }).success).toBe(false);
    expect(ClusterFile.safeParse({ ...file, topology: presetTopology('10'), load_balancer: { ...file.load_balancer, url: 'not a url' } }).success).toBe(false);
    await expect(writeClusterFile(path, { ...file, services: [{ ...file.services[0], pid: -1 } as ClusterFile['services'][number]] })).rejects.toThrow();
  });
});

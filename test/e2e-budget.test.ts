// The one LLM budget of the whole system, as a user runs it: two `classify serve` processes behind
// HAProxy (h2c, round-robin per request) and one engine, a run capped with --rpm. Whatever process
// sends a request, the simulator's own request log shows no 60-second window over the cap.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { keyFingerprint } from '../src/llm-sim/log.js';
import { HANG_CEILING_MS, classify, engineOf, explain, generateCatalog, readReport, scenariosPerTest, startClassify, waitFor, type Child, type Scenario } from './e2e-helpers.js';
import { simLog, startSim, withSim } from './e2e-llm-helpers.js';

const HOOK_TIMEOUT = HANG_CEILING_MS;
const TEST_TIMEOUT = 400_000;
const RPM = 20;
const COUNT = 8;

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-budget-'));
});

const balancers: ChildProcess[] = [];
afterEach(() => {
  for (const balancer of balancers.splice(0)) balancer.kill('SIGKILL');
});

/** HAProxy in front of the service processes: HTTP/2 cleartext both ways, one request per stream balanced round-robin. */
async function startBalancer(dir: string, port: number, backends: readonly number[]): Promise<void> {
  const config = [
    'global',
    '  maxconn 1000',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    'frontend services',
    `  bind 127.0.0.1:${port} proto h2`,
    '  default_backend endpoints',
    'backend endpoints',
    '  balance roundrobin',
    '  option redispatch',
    '  retry-on conn-failure empty-response',
    ...backends.map((backend, i) => `  server s${i + 1} 127.0.0.1:${backend} proto h2`),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const balancer = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  balancers.push(balancer);
  let stderr = '';
  balancer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor('haproxy to listen', async () => {
    if (balancer.exitCode !== null) throw new Error(`haproxy exited ${balancer.exitCode}: ${stderr}`);
    return (await accepts(port)) ? true : undefined;
  }, HANG_CEILING_MS, 100);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => { resolve(false); });
  });
}

/** `classify serve` with an API key of its own, so the simulator's log tells which process sent each request. */
async function startServe(scenario: Scenario, port: number, key: string): Promise<Child> {
  const serve = startClassify({ ...scenario, env: { ...scenario.env, OPENAI_API_KEY: key } }, ['serve', '--port', String(port)]);
  await waitFor('classify serve to listen', () => {
    if (serve.output().stdout.includes('listening on')) return Promise.resolve(true);
    if (!serve.running()) throw new Error(`classify serve exited:\n${serve.output().stderr}`);
    return Promise.resolve(undefined);
  });
  return serve;
}

/** The most entries in any 60-s window of the log (closed at both ends: the strictest reading). */
function maxPerMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (const [end, at] of sorted.entries()) {
    while ((sorted[start] ?? Infinity) < at - 60_000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('one LLM budget across service processes', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it(`--rpm ${RPM} holds for two serve processes together: no 60-s window of the provider's log over it`, async () => {
    const base = await scenario();
    const sim = await startSim(base, ['--seed', '5']);
    const world = withSim(base, sim);
    for (const command of [['db', 'start'], ['engine', 'start']]) {
      const started = await classify(world, command);
      expect(started.code, explain(started)).toBe(0);
    }
    const { adminUrl } = await engineOf(world);
    const [a = 0, b = 0, balancer = 0] = await freePorts(3);
    const keys = ['sk-test-budget-process-a', 'sk-test-budget-process-b'];
    await startServe(world, a, keys[0] ?? '');
    await startServe(world, b, keys[1] ?? '');
    // Its config lives outside the scenario's folder: the scenario's cleanup checks that nothing there still runs.
    await startBalancer(await mkdtemp(join(root, 'haproxy-')), balancer, [a, b]);
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const catalog = join(world.dataDir, 'catalog.ndjson');
    await generateCatalog(catalog, COUNT, 11);
    const report = join(world.dataDir, 'report.json');
    // One question per request, and every indicator submitted at once (--ipm far above what --rpm allows): only the budget holds the cap.
    const result = await classify(
      world,
      ['run', '--catalog', catalog, '--mode', 'llm', '--rpm', String(RPM), '--ipm', '6000', '--batch-size', '1', '--endpoint-url', `http://127.0.0.1:${balancer}`, '--report', report],
      TEST_TIMEOUT - 60_000,
    );
    expect(result.code, explain(result)).toBe(0);
    const run = await readReport(report);
    expect(run).toMatchObject({ status: 'completed', completed: COUNT, failed: 0, llm_fallback_fields: 0 });

    const log = (await simLog(sim)).filter((entry) => entry.path === '/v1/chat/completions');
    // More than a minute's worth at the cap, so some window is full: the check has teeth.
    expect(log.length).toBeGreaterThan(RPM);
    expect(maxPerMinute(log.map((entry) => Date.parse(entry.time)))).toBeLessThanOrEqual(RPM);
    // Both processes sent requests (each has its own key), and every one was answered.
    const byKey = new Set(log.map((entry) => entry.key));
    expect(byKey).toEqual(new Set(keys.map(keyFingerprint)));
    expect(log.every((entry) => entry.status === 200)).toBe(true);
    // Both processes ran workflows too.
    expect(Object.keys(run.service_share)).toHaveLength(2);
  }, TEST_TIMEOUT);
});

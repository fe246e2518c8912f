/**
 * `classify engine start|stop|status` in separate processes, as a user runs them: the engine started
 * by `start` outlives that process and `stop` ends it. The commands run from test/engine-cli.ts
 * through vite-node, so the test needs no build.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { stopEngine } from '../src/engine/process.js';
import { isAlive, readEngineState } from '../src/engine/state.js';
import { freshDataDir, removeRoot, restateServersMentioning, tempRoot } from './engine-helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITE_NODE = join(ROOT, 'node_modules/.bin/vite-node');
const PROGRAM = join(ROOT, 'test/engine-cli.ts');
const TIMEOUT = 90_000;

const run = promisify(execFile);

async function classify(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(VITE_NODE, [PROGRAM, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, CLASSIFY_DATA_DIR: dataDir, RESTATE_INGRESS_URL: '', RESTATE_ADMIN_URL: '' },
      timeout: 80_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let root = '';
const dataDirs: string[] = [];

beforeAll(async () => {
  root = await tempRoot('engine-cli');
});

afterAll(async () => {
  for (const dataDir of dataDirs) await stopEngine(dataDir);
  if (process.platform === 'linux') expect(await restateServersMentioning(root)).toEqual([]);
  await removeRoot(root);
}, TIMEOUT);

describe('classify engine', () => {
  it('start leaves a healthy engine running after the command exits; status reports it; stop ends it', async () => {
    const dataDir = await freshDataDir(root);
    dataDirs.push(dataDir);

    const notYet = await classify(['engine', 'status'], dataDir);
    expect(notYet.code).toBe(1);
    expect(notYet.stdout).toMatch(/not running/);

    const started = await classify(['engine', 'start'], dataDir);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/engine started \(pid \d+\)/);
    const state = await readEngineState(dataDir);
    expect(state).not.toBeNull();
    if (state === null) return;
    // The command has exited; the server lives on, no longer its child.
    expect(await isAlive(state.pid)).toBe(true);
    if (process.platform === 'linux') {
      const stat = await readFile(`/proc/${state.pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      expect(parent).not.toBe(process.pid);
    }

    const again = await classify(['engine', 'start'], dataDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`already running \\(pid ${state.pid}\\)`));

    const status = await classify(['engine', 'status', '--json'], dataDir);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ running: true, healthy: true, source: 'local', pid: state.pid, adminUrl: state.adminUrl, ingressUrl: state.ingressUrl });
    expect(report.uptimeMs).toBeGreaterThanOrEqual(0);

    const text = await classify(['engine', 'status'], dataDir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/running, healthy[\s\S]*pid\s+\d+[\s\S]*uptime/);

    const stopped = await classify(['engine', 'stop'], dataDir);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`engine stopped (pid ${state.pid})`);
    expect(await isAlive(state.pid)).toBe(false);
    expect(await readEngineState(dataDir)).toBeNull();

    const after = await classify(['engine', 'status', '--json'], dataDir);
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ running: false, healthy: false });
  }, TIMEOUT);

  it('start takes explicit ports and rejects a bad one', async () => {
    const dataDir = await freshDataDir(root);
    dataDirs.push(dataDir);
    const bad = await classify(['engine', 'start', '--admin-port', '70000'], dataDir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--admin-port.*must be a TCP port/);

    const [ingress, admin, node] = await freePorts(3);
    const started = await classify(['engine', 'start', '--ingress-port', String(ingress), '--admin-port', String(admin), '--node-port', String(node)], dataDir);
    expect(started.code, started.stderr).toBe(0);
    expect(await readEngineState(dataDir)).toMatchObject({ ingressUrl: `http://127.0.0.1:${ingress}`, adminUrl: `http://127.0.0.1:${admin}`, nodePort: node });
    expect((await classify(['engine', 'stop'], dataDir)).code).toBe(0);
  }, TIMEOUT);
});

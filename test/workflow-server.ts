/**
 * A real restate-server for the workflow tests: the binary from @restatedev/restate-server, on
 * 127.0.0.1 with free ports, its data in a temp dir, stopped (and the dir removed) by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RestateServer {
  readonly ingressUrl: string;
  readonly adminUrl: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export function restateServerBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve(`@restatedev/restate-server-${process.platform}-${process.arch}/package.json`);
  return path.join(path.dirname(pkg), 'bin', 'restate-server');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startRestateServer(): Promise<RestateServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'classify-restate-'));
  const [admin, ingress, node] = [await freePort(), await freePort(), await freePort()];
  const config = [
    'node-name = "classify-test"',
    `base-dir = ${JSON.stringify(path.join(dir, 'data'))}`,
    'listen-mode = "tcp"',
    'disable-telemetry = true',
    'log-filter = "warn,restate=info"',
    `bind-address = "127.0.0.1:${node}"`,
    `advertised-address = "http://127.0.0.1:${node}/"`,
    '[admin]',
    `bind-address = "127.0.0.1:${admin}"`,
    '[ingress]',
    `bind-address = "127.0.0.1:${ingress}"`,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'restate.toml');
  await writeFile(configFile, config);
  const logFile = path.join(dir, 'restate.log');
  const log = createWriteStream(logFile);
  const child = spawn(restateServerBinary(), ['--config-file', configFile, '--no-logo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const server: RestateServer = {
    adminUrl: `http://127.0.0.1:${admin}`,
    ingressUrl: `http://127.0.0.1:${ingress}`,
    logFile,
    stop: async () => {
      await stopProcess(child);
      log.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`${server.adminUrl}/health`, child);
    await waitFor(`${server.ingressUrl}/restate/health`, child);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`restate-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`restate-server not healthy at ${url} after ${timeoutMs} ms`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    resolve();
  }));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

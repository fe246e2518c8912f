/**
 * Running restate-server as a child process: the binary itself (no npm wrapper, no shell) with a
 * generated config, its output appended to `<dataDir>/logs/restate.log`, its state in
 * `<dataDir>/restate/`, and `<dataDir>/restate/engine.json` naming the process while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { restateServerBinary } from './binary.js';
import { engineConfigToml, engineUrl, type EnginePorts } from './config.js';
import { waitForHealth } from './health.js';
import { withStartLock } from './lock.js';
import { logTail } from './log.js';
import { ENGINE_NODE_NAME, enginePaths } from './paths.js';
import { choosePorts } from './ports.js';
import { isOurEngine, readEngineState, removeEngineState, writeEngineState } from './state.js';
import { terminate } from './terminate.js';

export interface Engine {
  ingressUrl: string;
  adminUrl: string;
  pid: number;
  /** SIGTERM, a bounded wait for a graceful exit, then SIGKILL; removes engine.json. */
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  dataDir: string;
  /** Ports to use; the ones not given are chosen free on 127.0.0.1. */
  ports?: Partial<EnginePorts>;
  /** Keep running after this process exits (`classify engine start`). */
  detached?: boolean;
  /** How long to wait for health; default 60 s. */
  healthTimeoutMs?: number;
}

/** restate-server reads RESTATE_* variables as config overrides (e.g. a bind address): the child gets none. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RESTATE_')));
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function spawnServer(binary: string, configFile: string, cwd: string, logFile: string, detached: boolean): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(binary, ['--config-file', configFile, '--no-logo'], {
      cwd,
      env: childEnv(),
      // Output goes straight to the log file: no pipe ties the server to this process.
      stdio: ['ignore', log, log],
      detached,
    });
  } finally {
    closeSync(log);
  }
}

/** The child's fate so far: why it exited, or null while it runs. */
function watchExit(child: ChildProcess): () => string | null {
  let reason: string | null = null;
  child.once('exit', (code, signal) => {
    reason = `restate-server exited during startup (${signal === null ? `code ${code ?? '?'}` : signal})`;
  });
  child.once('error', (error) => {
    reason = `restate-server could not be started: ${error.message}`;
  });
  return () => reason;
}

const ADDRESS_IN_USE = /address (already )?in use|os error (98|48)/i;
/** A killed server of this data dir may still be exiting and holding its RocksDB locks for a moment. */
const DB_LOCKED = /db is locked|While lock file/i;
const DB_LOCKED_RETRIES = 10;
const DB_LOCKED_WAIT_MS = 1_000;

/** The log is appended to across starts; past this size the old one moves to restate.log.1. */
const LOG_ROTATE_BYTES = 16 * 1024 * 1024;

/** Starts restate-server for `dataDir` and waits until it is healthy. */
export async function startEngine(options: StartEngineOptions): Promise<Engine> {
  const paths = enginePaths(options.dataDir);
  await mkdir(paths.dir, { recursive: true });
  return withStartLock(paths.lock, () => startLocked(options));
}

async function startLocked(options: StartEngineOptions): Promise<Engine> {
  const { dataDir } = options;
  const paths = enginePaths(dataDir);
  const recorded = await readEngineState(dataDir);
  if (recorded !== null) {
    if (await isOurEngine(recorded.pid, dataDir)) {
      throw new Error(`the engine for ${dataDir} already runs (pid ${recorded.pid}, admin ${recorded.adminUrl})`);
    }
    // A server that died without cleaning up (SIGKILL, crash): its record is stale.
    await removeEngineState(dataDir, recorded.pid);
  }
  await mkdir(dirname(paths.log), { recursive: true });
  if ((await fileSize(paths.log)) > LOG_ROTATE_BYTES) await rename(paths.log, `${paths.log}.1`);
  const binary = restateServerBinary();
  const explicit = options.ports ?? {};
  // Free ports are found before the server binds them: another process may win that race; retry then.
  let portRetries = explicit.ingress !== undefined && explicit.admin !== undefined && explicit.node !== undefined ? 0 : 2;
  let lockRetries = DB_LOCKED_RETRIES;
  for (;;) {
    const ports = await choosePorts(explicit);
    const config = engineConfigToml({ nodeName: ENGINE_NODE_NAME, baseDir: paths.dir, ingressPort: ports.ingress, adminPort: ports.admin, nodePort: ports.node });
    await writeFile(paths.config, config);
    const logStart = await fileSize(paths.log);
    const child = spawnServer(binary, paths.config, paths.dir, paths.log, options.detached ?? false);
    const exited = watchExit(child);
    const pid = child.pid;
    const engine = { ingressUrl: engineUrl(ports.ingress), adminUrl: engineUrl(ports.admin) };
    if (pid !== undefined) {
      // Recorded before health, so that `classify engine stop` finds a server that hangs while starting.
      const owner = options.detached === true ? {} : { owner: process.pid };
      await writeEngineState(dataDir, { pid, ...engine, nodePort: ports.node, startedAt: new Date().toISOString(), ...owner });
    }
    try {
      await waitForHealth({ ...engine, timeoutMs: options.healthTimeoutMs ?? 60_000, failed: exited });
      if (pid === undefined) throw new Error('restate-server started without a pid');
    } catch (error) {
      if (pid !== undefined) {
        await terminate(pid, { graceMs: 5_000 });
        await removeEngineState(dataDir, pid);
      }
      const tail = await logTail(paths.log, logStart);
      if (exited() !== null && DB_LOCKED.test(tail) && lockRetries-- > 0) {
        await delay(DB_LOCKED_WAIT_MS);
        continue;
      }
      if (exited() !== null && ADDRESS_IN_USE.test(tail) && portRetries-- > 0) continue;
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${paths.log} (last lines) ---\n${tail}`);
    }
    return ownEngine(child, pid, engine, dataDir, options.detached ?? false);
  }
}

function ownEngine(child: ChildProcess, pid: number, urls: { ingressUrl: string; adminUrl: string }, dataDir: string, detached: boolean): Engine {
  if (detached) child.unref();
  return engineHandle(pid, urls, dataDir, !detached);
}

/** `stop()` for an engine of ours; an attached one (`killOnExit`) also goes when this process exits without stop(). */
function engineHandle(pid: number, urls: { ingressUrl: string; adminUrl: string }, dataDir: string, killOnExit: boolean): Engine {
  const kill = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  if (killOnExit) process.once('exit', kill);
  let stopping: Promise<void> | undefined;
  return {
    ...urls,
    pid,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', kill);
        await terminate(pid);
        await removeEngineState(dataDir, pid);
      })();
      return stopping;
    },
  };
}

/**
 * Takes over a recorded engine whose owner is gone (a `classify run` killed with SIGKILL cannot stop
 * what it started): this process now owns it and its `stop()` ends it, as if it had started it.
 */
export async function adoptEngine(dataDir: string, found: { pid: number; ingressUrl: string; adminUrl: string }): Promise<Engine> {
  const recorded = await readEngineState(dataDir);
  if (recorded?.pid === found.pid) await writeEngineState(dataDir, { ...recorded, owner: process.pid });
  return engineHandle(found.pid, { ingressUrl: found.ingressUrl, adminUrl: found.adminUrl }, dataDir, true);
}

export interface StopResult {
  stopped: boolean;
  pid: number | null;
  /** Why nothing was stopped. */
  reason?: string;
}

/** Stops the engine recorded in `<dataDir>/restate/engine.json`, if that pid really is our restate-server. */
export async function stopEngine(dataDir: string): Promise<StopResult> {
  const recorded = await readEngineState(dataDir);
  if (recorded === null) return { stopped: false, pid: null, reason: 'no engine is recorded' };
  if (!(await isOurEngine(recorded.pid, dataDir))) {
    await removeEngineState(dataDir, recorded.pid);
    return { stopped: false, pid: recorded.pid, reason: `pid ${recorded.pid} is not running restate-server (stale record removed)` };
  }
  await terminate(recorded.pid);
  await removeEngineState(dataDir, recorded.pid);
  return { stopped: true, pid: recorded.pid };
}

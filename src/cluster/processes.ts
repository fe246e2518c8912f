/**
 * The cluster's processes: started detached with their output appended to a log file (nothing ties
 * them to the `cluster up` that started them, as `classify engine start` does for one engine), and
 * recognised afterwards by their command line, so a pid the OS has reused is never signalled.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAlive, processInfo } from '../engine/state.js';
import { terminate } from '../engine/terminate.js';

export interface Spawned {
  readonly pid: number;
  /** Why it exited, while it is watched by this process; null while it runs. */
  readonly exited: () => string | null;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly log: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export async function spawnDetached(options: SpawnOptions): Promise<Spawned> {
  await mkdir(dirname(options.log), { recursive: true });
  const log = openSync(options.log, 'a');
  let child;
  try {
    child = spawn(options.command, [...options.args], { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  const state: { reason: string | null } = { reason: null };
  child.once('exit', (code, signal) => {
    state.reason = `${options.name} exited (${signal ?? `code ${code ?? '?'}`})`;
  });
  child.once('error', (error) => {
    state.reason = `${options.name} could not be started: ${error.message}`;
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT asynchronously: give it a tick to say so.
    await new Promise((done) => setImmediate(done));
    throw new Error(state.reason ?? `${options.name} could not be started`);
  }
  return { pid, exited: () => state.reason };
}

/** Whether `pid` runs and its command line contains every marker (e.g. its config file's path). */
export async function isOurProcess(pid: number | null, markers: readonly string[]): Promise<boolean> {
  if (pid === null || !(await isAlive(pid))) return false;
  const info = await processInfo(pid);
  return info !== null && markers.every((marker) => info.line.includes(marker));
}

/** Stops the process if it is ours (SIGTERM, a bounded wait, SIGKILL); true when one was stopped. */
export async function stopOurs(pid: number | null, markers: readonly string[], graceMs = 30_000): Promise<boolean> {
  if (pid === null || !(await isOurProcess(pid, markers))) return false;
  await terminate(pid, { graceMs });
  return true;
}

/** One clear line when HAProxy is not installed, instead of a spawn error later. */
export async function checkHaproxy(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('haproxy', ['-v'], (error) => {
      if (error === null) {
        resolve();
        return;
      }
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? 'haproxy is not installed: the cluster balances its service processes with it; install it with `sudo apt-get install haproxy` (Debian/Ubuntu) or `brew install haproxy` (macOS)'
            : `haproxy -v failed: ${error.message}`,
        ),
      );
    });
  });
}

/**
 * `classify db start|stop|status`: a background process that serves the embedded database for a data
 * directory, so that `classify serve` and `classify run` processes can come and go (or be killed)
 * without taking the database with them. It is the ordinary embedded server (embedded.ts) hosted by
 * a process that does nothing else: `<dataDir>/pgdata.server.json` names it, and every other classify
 * process of the data directory connects to it instead of opening the files.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail } from '../engine/log.js';
import { isAlive, processInfo } from '../engine/state.js';
import { terminate } from '../engine/terminate.js';
import { embeddedServer, embeddedServerRecord } from './embedded.js';

/** The daemon's entry point, next to this module (dist/db/daemon-main.js once built). */
const DAEMON_MAIN = fileURLToPath(new URL('./daemon-main.js', import.meta.url));

const START_TIMEOUT_MS = 60_000;

export interface DatabaseDaemon {
  readonly pid: number;
  readonly url: string;
}

export interface StartedDaemon extends DatabaseDaemon {
  /** False when a process already served the data directory (nothing was started). */
  readonly started: boolean;
}

export function daemonLogPath(dataDir: string): string {
  return join(resolve(dataDir), 'logs', 'db.log');
}

/** Starts the daemon for `dataDir` unless a process already serves it; waits until it accepts connections. */
export async function startDatabaseDaemon(dataDir: string): Promise<StartedDaemon> {
  const dir = resolve(dataDir);
  const running = await embeddedServer(dir);
  if (running !== null) return { ...running, started: false };
  const logFile = daemonLogPath(dir);
  await mkdir(join(dir, 'logs'), { recursive: true });
  const logStart = await stat(logFile).then((s) => s.size, () => 0);
  const log = openSync(logFile, 'a');
  let child;
  try {
    // Detached, output to the log file: nothing ties the daemon to this process or its terminal.
    child = spawn(process.execPath, [DAEMON_MAIN, dir], { stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  // Why the child exited, read between polls (a closure, so the checks below see later assignments).
  let exitReason: string | null = null;
  const exited = (): string | null => exitReason;
  child.once('exit', (code, signal) => {
    exitReason = `the database daemon exited during startup (${signal ?? `code ${code ?? '?'}`})`;
  });
  child.once('error', (error) => {
    exitReason = `the database daemon could not be started: ${error.message}`;
  });
  child.unref();
  const pid = child.pid;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const server = await embeddedServer(dir);
    if (server !== null && server.pid === pid) return { ...server, started: true };
    // Another process won a concurrent start: the daemon finds it and exits; use that one.
    if (server !== null && exited() !== null) return { ...server, started: false };
    const reason = exited();
    if (reason !== null || Date.now() > deadline) {
      if (pid !== undefined && reason === null) await terminate(pid, { graceMs: 5_000 });
      const why = reason ?? `the database daemon did not come up in ${START_TIMEOUT_MS / 1000} s`;
      throw new Error(`${why}\n--- ${logFile} (last lines) ---\n${await logTail(logFile, logStart)}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

export type StopDaemonResult = { stopped: true; pid: number } | { stopped: false; pid: number | null; reason: string };

/** Stops the daemon serving `dataDir`; refuses to stop a process that is not our daemon (a run or serve hosting it). */
export async function stopDatabaseDaemon(dataDir: string): Promise<StopDaemonResult> {
  const dir = resolve(dataDir);
  const record = await embeddedServerRecord(dir);
  if (record === null || !(await isAlive(record.pid))) return { stopped: false, pid: record?.pid ?? null, reason: 'no database daemon is running' };
  if (!(await isOurDaemon(record.pid, dir))) {
    return { stopped: false, pid: record.pid, reason: `pid ${record.pid} serves the database but is not a \`classify db\` daemon (a run or serve hosting it); not stopped` };
  }
  // SIGTERM: the daemon stops PGlite cleanly (its files closed) and removes the server file.
  await terminate(record.pid);
  return { stopped: true, pid: record.pid };
}

/** The daemon serving `dataDir`, or null; `daemon` tells whether that process is ours to stop. */
export async function databaseDaemonStatus(dataDir: string): Promise<(DatabaseDaemon & { daemon: boolean }) | null> {
  const dir = resolve(dataDir);
  const server = await embeddedServer(dir);
  return server === null ? null : { ...server, daemon: await isOurDaemon(server.pid, dir) };
}

/** Whether `pid` runs daemon-main for this data directory: guards `stop` against a reused pid. */
async function isOurDaemon(pid: number, dir: string): Promise<boolean> {
  const info = await processInfo(pid);
  if (info === null) return false;
  return info.line.includes('daemon-main.js ') && info.line.endsWith(` ${dir}`);
}


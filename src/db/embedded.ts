/**
 * The default database: PGlite (Postgres compiled to WebAssembly) in `<dataDir>/pgdata`, served on
 * 127.0.0.1 so the one data-access path (node-postgres) works for it as for a Postgres server.
 *
 * PGlite's files must be opened by one process only, so the process that opens them serves them
 * and says so in `<dataDir>/pgdata.server.json` ({pid, url}); another process of ours finds that
 * file, checks the pid is alive and the port answers, and connects instead of opening the files.
 * `<dataDir>/pgdata.lock` (created exclusively) keeps two processes from starting at once. Within one
 * process, opens of the same data directory share one server, stopped when the last one stops.
 *
 * The port is kept (`<dataDir>/pgdata.port`): a server started again after its process died listens
 * where the old one did when it can, so processes still connected to that url (a run, its endpoint)
 * reconnect to it, as to a Postgres server restarted in place. Taken by something else: a new port.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { servePGlite, type PGliteServer } from './pglite-server.js';

export interface EmbeddedDatabase {
  /** postgres://postgres@127.0.0.1:PORT/postgres (no password: it only listens on loopback). */
  readonly url: string;
  /** True when another process serves this data directory and we only connect to it. */
  readonly reused: boolean;
  stop(): Promise<void>;
}

export interface ServerFile {
  readonly pid: number;
  readonly url: string;
}

interface Shared {
  readonly url: string;
  refs: number;
  closing: boolean;
  readonly stop: () => Promise<void>;
}

/**
 * This process's servers by data directory, or the url of another process's server while it is
 * being looked up. Set before the first await, so concurrent opens in this process share one start.
 */
const running = new Map<string, Promise<Shared | string>>();
/** Servers being stopped: a new start waits for PGlite to close its files first. */
const stopping = new Map<string, Promise<void>>();

const START_TIMEOUT_MS = 60_000;

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir);
  for (;;) {
    const server = await entryFor(dir);
    if (typeof server === 'string') return { url: server, reused: true, stop: () => Promise.resolve() };
    // Its last user stopped it while we waited: start again (after it has closed its files).
    if (server.closing) continue;
    server.refs += 1;
    return handle(dir, server);
  }
}

function entryFor(dir: string): Promise<Shared | string> {
  let entry = running.get(dir);
  if (entry === undefined) {
    entry = acquire(dir);
    running.set(dir, entry);
    // Another process's server is looked up afresh next time (it may be gone); a failure too.
    void entry.then(
      (result) => {
        if (typeof result === 'string') running.delete(dir);
      },
      () => {
        running.delete(dir);
      },
    );
  }
  return entry;
}

function handle(dir: string, server: Shared): EmbeddedDatabase {
  let stopped = false;
  return {
    url: server.url,
    reused: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.refs -= 1;
      if (server.refs > 0) return;
      server.closing = true;
      running.delete(dir);
      const done = server.stop().finally(() => stopping.delete(dir));
      stopping.set(dir, done);
      await done;
    },
  };
}

/** Another process's server url, or our own new server. */
async function acquire(dir: string): Promise<Shared | string> {
  await stopping.get(dir)?.catch(() => undefined);
  const foreign = await waitForOwnership(dir);
  return foreign ?? (await serve(dir));
}

/**
 * Returns the url of a live server another process runs for `dir`, or null once this process holds
 * the start lock (and must serve). Waits while another process is starting.
 */
async function waitForOwnership(dir: string): Promise<string | null> {
  await mkdir(dir, { recursive: true });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const foreign = await liveServer(dir);
    if (foreign !== null) return foreign;
    if (await takeLock(dir)) {
      // Under the lock: a server that came up meanwhile wrote its file before releasing the lock.
      const late = await liveServer(dir);
      if (late !== null) {
        await rm(lockPath(dir), { force: true });
        return late;
      }
      // Only the lock holder may remove a stale server file: another process may be writing a fresh one.
      await rm(serverPath(dir), { force: true });
      return null;
    }
    if (Date.now() > deadline) {
      throw new Error(`the embedded database in ${dir} is locked by another process (${lockPath(dir)}); stop it or remove the file`);
    }
    await sleep(100);
  }
}

async function serve(dir: string): Promise<Shared> {
  try {
    const db = await PGlite.create(join(dir, 'pgdata'));
    try {
      const server = await serveOnPreviousPort(db, dir);
      const url = `postgres://postgres@${server.host}:${server.port}/postgres`;
      await writeFile(portPath(dir), `${server.port}\n`);
      await writeFile(serverPath(dir), `${JSON.stringify({ pid: process.pid, url } satisfies ServerFile)}\n`);
      return {
        url,
        refs: 0,
        closing: false,
        async stop() {
          await rm(serverPath(dir), { force: true });
          await server.stop();
          await db.close();
        },
      };
    } catch (error) {
      await db.close();
      throw error;
    }
  } finally {
    // Once the server file is written, other processes find the server without the lock.
    await rm(lockPath(dir), { force: true });
  }
}

/** The port this data directory was served on last time when it is free again, else any free port. */
async function serveOnPreviousPort(db: PGlite, dir: string): Promise<PGliteServer> {
  const previous = Number((await readFile(portPath(dir), 'utf8').catch(() => '')).trim());
  if (Number.isInteger(previous) && previous > 0 && previous < 65_536) {
    try {
      return await servePGlite(db, { host: '127.0.0.1', port: previous, maxConnections: 64 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return await servePGlite(db, { host: '127.0.0.1', port: 0, maxConnections: 64 });
}

/**
 * Who serves `dataDir` right now: the pid and url of the server file when that process is alive and
 * its port accepts a connection (whichever process it is, this one included); else null.
 */
export async function embeddedServer(dataDir: string): Promise<ServerFile | null> {
  const file = await readJson(serverPath(resolve(dataDir)));
  if (file === null) return null;
  const { pid, url } = file as Partial<ServerFile>;
  if (typeof pid !== 'number' || typeof url !== 'string') return null;
  return isAlive(pid) && (await accepts(url)) ? { pid, url } : null;
}

/** The server file's record as written, alive or not (`classify db stop` checks the pid itself). */
export async function embeddedServerRecord(dataDir: string): Promise<ServerFile | null> {
  const file = await readJson(serverPath(resolve(dataDir)));
  if (file === null) return null;
  const { pid, url } = file as Partial<ServerFile>;
  return typeof pid === 'number' && typeof url === 'string' ? { pid, url } : null;
}

/** The url in the server file when its process is alive (and not us) and its port accepts a connection. */
async function liveServer(dir: string): Promise<string | null> {
  const file = await readJson(serverPath(dir));
  if (file === null) return null;
  const { pid, url } = file as Partial<ServerFile>;
  if (typeof pid !== 'number' || typeof url !== 'string') return null;
  // A file left by a process that is gone (or by this one before a crash) has no server behind it.
  return pid !== process.pid && isAlive(pid) && (await accepts(url)) ? url : null;
}

/** Creates the lock file exclusively; removes a stale one (its process is gone) and tries again once. */
async function takeLock(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath(dir), `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const text = (await readFile(lockPath(dir), 'utf8').catch(() => '')).trim();
      // Empty: its creator has not written its pid yet. Alive: that process is starting the server.
      const holder = Number(text);
      if (text === '' || (holder !== process.pid && isAlive(holder))) return false;
      await rm(lockPath(dir), { force: true });
    }
  }
  return false;
}

function isAlive(pid: number): boolean {
  // 0 and negative numbers name process groups, not a process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(2_000, () => {
      finish(false);
    });
    socket.once('connect', () => {
      finish(true);
    });
    socket.once('error', () => {
      finish(false);
    });
  });
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

function serverPath(dir: string): string {
  return join(dir, 'pgdata.server.json');
}

function portPath(dir: string): string {
  return join(dir, 'pgdata.port');
}

function lockPath(dir: string): string {
  return join(dir, 'pgdata.lock');
}

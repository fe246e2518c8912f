/**
 * The embedded database's lifecycle: one server per data directory, shared by the opens of one
 * process and found by other processes (real child processes, running the built dist/ as the
 * `classify` command does), and recovery from files left by a killed process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskUrl, openDatabase } from '../src/db/connect.js';
import { startEmbeddedDatabase } from '../src/db/embedded.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMBEDDED = join(ROOT, 'dist/db/embedded.js');
const SLOW = 180_000;

let base = '';
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'classify-embedded-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

let dirs = 0;
function freshDir(): string {
  dirs += 1;
  return join(base, `data-${dirs}`);
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    return rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly reused: boolean;
}

/** Starts the embedded database of `dir` in another process; it stops cleanly on SIGTERM. */
function startInChild(dir: string): Promise<Started> {
  const script = `
    const { startEmbeddedDatabase } = await import(${JSON.stringify(EMBEDDED)});
    const db = await startEmbeddedDatabase(${JSON.stringify(dir)});
    process.stdout.write(JSON.stringify({ url: db.url, reused: db.reused }) + '\\n');
    process.on('SIGTERM', () => { db.stop().then(() => process.exit(0)); });
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      const { url, reused } = JSON.parse(out) as { url: string; reused: boolean };
      resolve({ child, url, reused });
    });
    child.once('exit', (code) => {
      reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

describe('embedded database in one process', () => {
  it('opens of one data directory share one server, stopped by the last', async () => {
    const dir = freshDir();
    const [first, second] = await Promise.all([startEmbeddedDatabase(dir), startEmbeddedDatabase(dir)]);
    expect(second.url).toBe(first.url);
    expect(JSON.parse(await readFile(join(dir, 'pgdata.server.json'), 'utf8'))).toEqual({ pid: process.pid, url: first.url });
    await first.stop();
    await first.stop(); // twice is harmless
    expect(await selectOne(second.url)).toBe(1);
    await second.stop();
    expect(existsSync(join(dir, 'pgdata.server.json'))).toBe(false);
    await expect(selectOne(second.url)).rejects.toThrow();
    // The files are closed cleanly: the next start opens them again.
    const again = await startEmbeddedDatabase(dir);
    expect(await selectOne(again.url)).toBe(1);
    // A start while the last user stops: it waits for the files to close, then serves them again.
    const [, third] = await Promise.all([again.stop(), startEmbeddedDatabase(dir)]);
    expect(await selectOne(third.url)).toBe(1);
    await third.stop();
  }, SLOW);

  it('openDatabase masks passwords and refuses a DATABASE_URL that is not postgres', async () => {
    expect(maskUrl('postgres://me:s3cret@db.example:5432/classify')).toBe('postgres://me:***@db.example:5432/classify');
    expect(maskUrl('postgres://db.example/classify?password=s3cret')).toBe('postgres://db.example/classify?password=***');
    expect(maskUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    await expect(openDatabase({ env: { DATABASE_URL: 'mysql://me:s3cret@x/y' } })).rejects.toThrow(/postgres:\/\/ URL \(got mysql:\/\/me:\*\*\*@x\/y\)/);
  });
});

describe('embedded database across processes', () => {
  it('a second process connects to the server of the first instead of opening the files', async () => {
    const dir = freshDir();
    const owner = await startInChild(dir);
    expect(owner.reused).toBe(false);
    const guest = await startEmbeddedDatabase(dir);
    expect(guest).toMatchObject({ url: owner.url, reused: true });
    // The guest migrates and works through the owner's server.
    const db = await openDatabase({ env: {}, dataDir: dir });
    expect(db.url).toBe(owner.url);
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]?.n).toBeGreaterThan(0);
    await db.close();
    await guest.stop(); // a guest's stop leaves the owner's server alone
    expect(await selectOne(owner.url)).toBe(1);
    owner.child.kill('SIGTERM');
    await exited(owner.child);
    expect(existsSync(join(dir, 'pgdata.server.json'))).toBe(false);
  }, SLOW);

  it('processes starting at once end up with one server', async () => {
    const dir = freshDir();
    const started = await Promise.all([startInChild(dir), startInChild(dir)]);
    const here = await startEmbeddedDatabase(dir);
    expect(new Set([...started.map((s) => s.url), here.url]).size).toBe(1);
    // Exactly one of the three opened the files; the others connect to it.
    expect([...started.map((s) => s.reused), here.reused].filter((reused) => !reused)).toHaveLength(1);
    await here.stop();
    for (const { child } of started) child.kill('SIGTERM');
    await Promise.all(started.map(({ child }) => exited(child)));
  }, SLOW);

  it('recovers from a killed server: stale server file and lock are ignored', async () => {
    const dir = freshDir();
    const owner = await startInChild(dir);
    const db = await openDatabase({ env: {}, dataDir: dir });
    await db.pool.query("INSERT INTO runs (id, mode) VALUES ('before-crash', 'rules')");
    await db.close();
    owner.child.kill('SIGKILL');
    await exited(owner.child);
    expect(existsSync(join(dir, 'pgdata.server.json'))).toBe(true);
    await writeFile(join(dir, 'pgdata.lock'), `${owner.child.pid ?? 0}\n`);

    const after = await openDatabase({ env: {}, dataDir: dir });
    // This process serves the files now (on the same port when it is free, so pools reconnect).
    const server = JSON.parse(await readFile(join(dir, 'pgdata.server.json'), 'utf8')) as { pid: number };
    expect(server.pid).toBe(process.pid);
    expect(server.pid).not.toBe(owner.child.pid);
    const { rows } = await after.pool.query<{ id: string }>('SELECT id FROM runs');
    expect(rows.map((row) => row.id)).toEqual(['before-crash']);
    await after.close();
  }, SLOW);
});

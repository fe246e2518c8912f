/**
 * Shared by test/e2e.test.ts: each scenario runs the built `classify` command (dist/cli/main.js) in
 * real child processes, against a real restate-server and a real database — the embedded PGlite of
 * its own data directory, or a fresh database on TEST_DATABASE_URL's server.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach } from 'vitest';
import { STAGE_TABLES } from '../src/db/classifications.js';
import { stopDatabaseDaemon } from '../src/db/daemon.js';
import { stopEngine } from '../src/engine/process.js';
import { isAlive, readEngineState } from '../src/engine/state.js';
import { terminate } from '../src/engine/terminate.js';
import type { RunReport } from '../src/runner/summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() ?? '';

export type BackendName = 'pglite' | 'postgres';

export const BACKENDS = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: TEST_DATABASE_URL !== '' },
] as const satisfies readonly { name: BackendName; enabled: boolean }[];

/** What a command printed and how it ended. */
export interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `classify` process running in the background. */
export interface Child {
  readonly pid: number;
  readonly done: Promise<Result>;
  running(): boolean;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
}

/** One scenario's world: a data directory, a database, and every process it started. */
export interface Scenario {
  readonly backend: BackendName;
  readonly dataDir: string;
  /** The Postgres database of this scenario (postgres backend only). */
  readonly databaseUrl: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly children: Child[];
}

/**
 * The environment of every child: the developer's shell must not redirect a test to another engine,
 * database or port, so those variables are removed and the scenario's own are set.
 */
function childEnv(dataDir: string, databaseUrl: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(RESTATE_|CLASSIFY_|DATABASE_URL$)/.test(name)) continue;
    env[name] = value;
  }
  env.CLASSIFY_DATA_DIR = dataDir;
  if (databaseUrl !== null) env.DATABASE_URL = databaseUrl;
  return env;
}

export async function createScenario(root: string, backend: BackendName): Promise<Scenario> {
  const dataDir = await mkdtemp(join(root, `${backend}-`));
  const databaseUrl = backend === 'postgres' ? await createDatabase(TEST_DATABASE_URL) : null;
  return { backend, dataDir, databaseUrl, env: childEnv(dataDir, databaseUrl), children: [] };
}

/**
 * Ends everything the scenario started, even after a failure: its children, its engine, its database
 * daemon, its Postgres database. Throws at the end if something could not be stopped.
 */
export async function destroyScenario(scenario: Scenario): Promise<void> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    await action().catch((error: unknown) => problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`));
  };
  for (const child of scenario.children) {
    // Only our own children, by pid: SIGTERM first so a run or serve closes what it hosts.
    if (child.running()) await attempt(`child ${child.pid}`, () => terminate(child.pid, { graceMs: 10_000 }));
  }
  await attempt('engine', () => stopEngine(scenario.dataDir));
  await attempt('database daemon', () => stopDatabaseDaemon(scenario.dataDir));
  if (scenario.databaseUrl !== null) await attempt('database', () => dropDatabase(TEST_DATABASE_URL, scenario.databaseUrl ?? ''));
  const left = await processesMentioning(scenario.dataDir);
  if (left.length > 0) problems.push(`processes still running for ${scenario.dataDir}: ${left.join(', ')}`);
  await rm(scenario.dataDir, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/**
 * For a describe block: `scenario()` creates one for the running test, and each is destroyed after
 * that test whatever happened. `root` is read when called (test files create it in beforeAll).
 */
export function scenariosPerTest(root: () => string, backend: BackendName, hookTimeoutMs: number): () => Promise<Scenario> {
  const scenarios: Scenario[] = [];
  afterEach(async () => {
    for (const done of scenarios.splice(0)) await destroyScenario(done);
  }, hookTimeoutMs);
  return async () => {
    const created = await createScenario(root(), backend);
    scenarios.push(created);
    return created;
  };
}

/**
 * Bounds a hang, never a speed: waits and CLI calls that take seconds on an idle machine get minutes,
 * so a test passes on a machine as busy as the load pass makes it (.ci/under-load.sh).
 */
export const HANG_CEILING_MS = 300_000;

/** Runs `classify …` to the end (or until `timeoutMs`, then SIGKILL); never throws on a non-zero exit. */
export function classify(scenario: Scenario, args: readonly string[], timeoutMs = HANG_CEILING_MS): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: scenario.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
      const code = failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null;
      resolve({ code, signal: failed?.signal ?? null, stdout, stderr });
    });
  });
}

/** Starts `classify …` in the background; the scenario stops it at the end if it still runs. */
export function startClassify(scenario: Scenario, args: readonly string[]): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env: scenario.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`classify ${args.join(' ')}: no pid`);
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<Result>((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  const handle: Child = { pid, done, running: () => !exited, output: () => ({ stdout, stderr }) };
  scenario.children.push(handle);
  return handle;
}

/** Waits until `check` returns a value (not undefined), polling; throws with `what` on timeout. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = HANG_CEILING_MS, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Starts `classify serve` and waits until it has registered at the engine. */
export async function startServe(scenario: Scenario, port: number, adminUrl: string): Promise<Child> {
  const serve = startClassify(scenario, ['serve', '--port', String(port), '--register-at', adminUrl]);
  await waitFor('classify serve to register', () => {
    if (serve.output().stdout.includes('registered at')) return Promise.resolve(true);
    if (!serve.running()) throw new Error(`classify serve exited:\n${serve.output().stderr}`);
    return Promise.resolve(undefined);
  });
  return serve;
}

/** The scenario's database url: its Postgres database, or the embedded server some process serves now. */
export async function databaseUrl(scenario: Scenario): Promise<string | null> {
  if (scenario.databaseUrl !== null) return scenario.databaseUrl;
  try {
    const file = JSON.parse(await readFile(join(scenario.dataDir, 'pgdata.server.json'), 'utf8')) as { url?: unknown };
    return typeof file.url === 'string' ? file.url : null;
  } catch {
    return null;
  }
}

/** One query on a connection of its own (closed at once: the embedded server may go away). */
export async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Classifications stored so far, or null while the database is not reachable. */
export async function classifiedCount(scenario: Scenario): Promise<number | null> {
  const url = await databaseUrl(scenario);
  if (url === null) return null;
  try {
    const [row] = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM classifications');
    return row?.n ?? null;
  } catch {
    return null;
  }
}

/** The engine this scenario's data directory records (started by `classify engine start`). */
export async function engineOf(scenario: Scenario): Promise<{ pid: number; adminUrl: string; ingressUrl: string }> {
  const state = await readEngineState(scenario.dataDir);
  if (state === null) throw new Error(`no engine recorded in ${scenario.dataDir}`);
  return state;
}

/** Invocations of the classify workflow the engine knows, from its admin SQL endpoint. */
export async function invocationCount(adminUrl: string, where = ''): Promise<number> {
  const response = await fetch(new URL('/query', adminUrl), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ query: `select count(*) as n from sys_invocation where target_service_name = 'classifyIndicator'${where}` }),
  });
  const body = (await response.json()) as { rows?: { n?: unknown }[] };
  if (!response.ok) throw new Error(`admin query: ${response.status} ${JSON.stringify(body)}`);
  return Number(body.rows?.[0]?.n ?? NaN);
}

/** The report `classify run --report FILE` wrote. */
export async function readReport(file: string): Promise<RunReport> {
  return JSON.parse(await readFile(file, 'utf8')) as RunReport;
}

/** The part of `classify status --json` these tests read. */
export interface StatusJson {
  readonly database: { reachable: boolean };
  readonly deployments: readonly { id: string; uri: string | null; version: string | null; created_at: string | null; unfinished: number }[] | null;
  readonly rows: Record<string, number> | null;
  readonly rowsConsistent: boolean | null;
  readonly latestRun: {
    readonly id: string;
    readonly completed: number;
    readonly metrics: Record<string, unknown> | null;
    readonly llm: { readonly llm_requests: number; readonly cost_usd: number; readonly cost_per_1000_usd: number | null };
  } | null;
}

export async function statusJson(scenario: Scenario): Promise<StatusJson> {
  const result = await classify(scenario, ['status', '--json']);
  if (result.code !== 0) throw new Error(`classify status --json exited ${String(result.code)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson;
}

/** The exported fields these tests read (every column comes back; see src/db/export.ts). */
export interface ExportedRow {
  readonly indicator_id: string;
  readonly run_id: string;
  readonly current: boolean;
  readonly updated_at: string;
}

/** Every exported classification (`classify export --format ndjson`), as records. */
export async function exportedRows(scenario: Scenario): Promise<ExportedRow[]> {
  const result = await classify(scenario, ['export', '--format', 'ndjson']);
  if (result.code !== 0) throw new Error(`classify export exited ${String(result.code)}: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ExportedRow);
}

/** Writes a generated catalog (`classify catalog generate`, NDJSON) to `file`. */
export function generateCatalog(file: string, count: number, seed: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'catalog', 'generate', '--count', String(count), '--seed', String(seed), '--out', file], (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`catalog generate: ${error.message}\n${stderr}`));
    });
  });
}

/** The ids of an NDJSON catalog, in order. */
export async function catalogIds(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

/** Rows per table that must all equal the number of indicators once every one is classified. */
export function perIndicatorCounts(rows: Record<string, number>): Record<string, number | undefined> {
  return Object.fromEntries(['source_indicators', 'classifications', ...STAGE_TABLES].map((table) => [table, rows[table]]));
}

/** Removes a test file's root directory; returns the pids of processes of ours that survived (their command lines name it). */
export async function removeRoot(root: string): Promise<number[]> {
  const left = await processesMentioning(root);
  await rm(root, { recursive: true, force: true });
  return left;
}

/** Why a command failed, for an assertion message. */
export function explain(result: Result): string {
  return `exit ${String(result.code)} ${result.signal ?? ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Pids of live processes (not zombies) whose command line mentions `text` (Linux: /proc). */
export async function processesMentioning(text: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(text) && (await isAlive(Number(entry)))) pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `classify_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^classify_test_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

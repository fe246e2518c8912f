/**
 * The databases the db tests run against: PGlite always (a fresh data directory), Postgres when
 * TEST_DATABASE_URL is set (a fresh database on that server, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createStore } from '../src/db/classifications.js';
import { openDatabase, type Database } from '../src/db/connect.js';
import { contentHash, listIndicators } from '../src/db/indicators.js';
import { Indicator, type IndicatorInput } from '../src/domain/indicator.js';
import type { Classification } from '../src/domain/results.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** Opens (and migrates) the backend's database; each call is a new Database on the same data. */
  open(): Promise<Database>;
  /** Drops what setUp created. */
  tearDown(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() ?? '';

export const BACKENDS = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: TEST_DATABASE_URL !== '' },
] as const;

/** A fresh PGlite data directory takes ~10 s to create on a small machine (initdb). */
export const START_TIMEOUT_MS = 120_000;

export async function setUp(name: Backend['name']): Promise<Backend> {
  return name === 'pglite' ? await pgliteBackend() : await postgresBackend(TEST_DATABASE_URL);
}

async function pgliteBackend(): Promise<Backend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'classify-db-'));
  return {
    name: 'pglite',
    // An empty env: a DATABASE_URL of the developer's shell must not redirect the test.
    open: () => openDatabase({ env: {}, dataDir }),
    tearDown: () => rm(dataDir, { recursive: true, force: true }),
  };
}

async function postgresBackend(serverUrl: string): Promise<Backend> {
  const database = `classify_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    name: 'postgres',
    open: () => openDatabase({ env: { DATABASE_URL: url.toString() } }),
    async tearDown() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A validated indicator with plausible defaults. */
export function indicator(id: string, overrides: Partial<IndicatorInput> = {}): Indicator {
  return Indicator.parse({
    id,
    name: 'GDP Growth Rate',
    units: '%',
    periodicity: 'Quarterly',
    country: 'Albania',
    sample_values: [
      { date: '2024-Q1', value: 1.2 },
      { date: '2024-Q2', value: '0.8' },
      { date: '2024-Q3', value: null },
      { date: 'last10YearsAvg', value: 2.1 },
    ],
    ...overrides,
  });
}

export function classify(item: Indicator): Classification {
  return classifyWithRules(item);
}

/** Classifies every stored unclassified indicator with the rules and saves it, as the workflow would (run "r"). */
export async function saveRulesClassifications(pool: pg.Pool): Promise<void> {
  const store = createStore(pool);
  for (const { indicator } of await listIndicators(pool, { onlyUnclassified: true })) {
    await store.saveClassification({ runId: 'r', workflowKey: indicator.id, contentHash: contentHash(indicator), classification: classify(indicator) });
  }
}

/** Writes indicators (plus any raw lines) as an NDJSON file and returns its path. */
export async function ndjsonFile(dir: string, name: string, rows: readonly unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n');
  return path;
}

/** Every table a test writes, emptied between tests. */
export async function truncateAll(db: Database): Promise<void> {
  await db.pool.query(`TRUNCATE source_indicators, classifications, normalization_results, time_inference_results,
    cumulative_detection_results, family_assignment_results, type_classification_results, orientation_results, failures, runs,
    llm_cache, llm_cache_hits, llm_requests`);
}

export interface TestDatabase {
  readonly backend: Backend;
  readonly db: Database;
}

/**
 * Hooks for the enclosing suite: one database on `name` for all its tests (set up before, dropped
 * after), every table emptied before each test. Read `backend` and `db` inside tests and hooks.
 */
export function useDatabase(name: Backend['name']): TestDatabase {
  let opened: TestDatabase | undefined;
  beforeAll(async () => {
    const backend = await setUp(name);
    opened = { backend, db: await backend.open() };
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await opened?.db.close();
    await opened?.backend.tearDown();
  }, START_TIMEOUT_MS);
  beforeEach(async () => {
    await truncateAll(current().db);
  });
  const current = (): TestDatabase => {
    if (opened === undefined) throw new Error(`the ${name} test database is not set up (read it inside a test or hook)`);
    return opened;
  };
  return {
    get backend() {
      return current().backend;
    },
    get db() {
      return current().db;
    },
  };
}

/**
 * `classify bench dashboard`: the dashboard's page and API response times on a database of `count`
 * classifications (100,000 by default). A fresh embedded database in a temporary folder: `base`
 * generated indicators are classified by the rules and saved as a run saves them (saveStatement),
 * then copied under new ids (`<id>~<n>`) up to `count` in SQL, so the tables hold real label
 * distributions at full size without a 100,000-indicator run. Each request is timed over HTTP
 * against `classify dashboard`'s own app. Writes one JSON report; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { generateCatalog } from '../catalog/generate/index.js';
import { saveStatement, STAGE_TABLES } from '../db/classifications.js';
import { openDatabase } from '../db/connect.js';
import { contentHash, upsertIndicators } from '../db/indicators.js';
import { createRun, finishRun } from '../db/runs.js';
import { Indicator } from '../domain/indicator.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { createApp } from '../web/app.js';
import { loadAssets } from '../web/assets.js';
import { listen } from '../web/server.js';
import { percentiles, type Percentiles } from '../runner/metrics.js';

export interface DashboardBenchOptions {
  readonly count: number;
  /** Distinct generated indicators classified before copying. */
  readonly base: number;
  /** Timed requests per endpoint. */
  readonly repeat: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface EndpointTiming {
  readonly name: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly ms: Percentiles | null;
  readonly max_ms: number;
}

export interface DashboardBenchReport {
  readonly bench: 'dashboard';
  readonly command: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly database: 'pglite';
  readonly classifications: number;
  readonly fill_s: number;
  readonly repeat: number;
  readonly endpoints: EndpointTiming[];
}

export async function benchDashboard(options: DashboardBenchOptions): Promise<DashboardBenchReport> {
  const started = new Date();
  const dir = await mkdtemp(join(tmpdir(), 'classify-bench-dashboard-'));
  const db = await openDatabase({ env: {}, dataDir: dir });
  try {
    const fillStart = performance.now();
    await fill(db.pool, options);
    const fill_s = (performance.now() - fillStart) / 1000;
    options.log(`filled ${options.count} classifications in ${fill_s.toFixed(1)} s`);
    const app = createApp({ pool: db.pool, token: null, health: () => Promise.resolve({}), benchDir: dir, assets: await loadAssets() });
    const server = await listen(app, '127.0.0.1', 0);
    try {
      const endpoints: EndpointTiming[] = [];
      for (const [name, path] of await paths(server.url)) {
        endpoints.push(await time(name, `${server.url}${path}`, options.repeat));
        const last = endpoints.at(-1);
        options.log(`${name}: p50 ${last?.ms?.p50.toFixed(1) ?? '?'} ms, p95 ${last?.ms?.p95.toFixed(1) ?? '?'} ms (${path})`);
      }
      return {
        bench: 'dashboard',
        command: `classify bench dashboard --count ${options.count} --base ${options.base} --repeat ${options.repeat}`,
        started_at: started.toISOString(),
        finished_at: new Date().toISOString(),
        database: 'pglite',
        classifications: options.count,
        fill_s: Math.round(fill_s * 10) / 10,
        repeat: options.repeat,
        endpoints,
      };
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fills an empty database as the bench does (exported for scripts that time one query at full size). */
export async function fill(pool: pg.Pool, options: Pick<DashboardBenchOptions, 'count' | 'base' | 'seed'>): Promise<void> {
  const runId = 'bench-dashboard';
  await createRun(pool, { id: runId, mode: 'rules', settings: {} });
  const indicators = [...generateCatalog({ count: options.base, seed: options.seed })].map((row) => Indicator.parse(row));
  await upsertIndicators(pool, indicators);
  for (const indicator of indicators) {
    const hash = contentHash(indicator);
    const { text, values } = saveStatement({ runId, workflowKey: `${indicator.id}~${hash.slice(0, 16)}`, contentHash: hash, classification: classifyWithRules(indicator) });
    await pool.query(text, values);
  }
  const copies = Math.ceil(options.count / options.base) - 1;
  // Copies of every row under `<id>~<n>`: jsonb keeps this one statement per table whatever its columns.
  const copy = (table: string, key: string) =>
    pool.query(
      `INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(t) || jsonb_build_object('${key}', t.${key} || '~' || g))).*
         FROM ${table} t, generate_series(1, $1::int) g WHERE position('~' in t.${key}) = 0`,
      [copies],
    );
  await copy('source_indicators', 'id');
  for (const table of ['classifications', ...STAGE_TABLES]) await copy(table, 'indicator_id');
  // Exactly `count`: the copies overshoot by less than one base.
  const surplus = (copies + 1) * options.base - options.count;
  if (surplus > 0) {
    const { rows } = await pool.query<{ id: string }>('SELECT indicator_id AS id FROM classifications ORDER BY indicator_id DESC LIMIT $1', [surplus]);
    const ids = rows.map((row) => row.id);
    for (const table of ['classifications', ...STAGE_TABLES]) await pool.query(`DELETE FROM ${table} WHERE indicator_id = ANY($1::text[])`, [ids]);
    await pool.query('DELETE FROM source_indicators WHERE id = ANY($1::text[])', [ids]);
  }
  await pool.query('ANALYZE');
  await finishRun(pool, runId, { submitted: options.count, completed: options.count, failed: 0, duration_ms: 0, status: 'completed' });
}

/** What a person does: open the page, the runs, the first page, a page deep in the table, filters, a search, one indicator, the summaries. */
async function paths(base: string): Promise<[string, string][]> {
  const first = (await (await fetch(`${base}api/classifications?limit=50`)).json()) as { rows: { indicator_id: string; name: string | null }[] };
  const sample = first.rows[0];
  if (sample === undefined) throw new Error('no classifications to bench');
  return [
    ['page', ''],
    ['runs', 'api/runs'],
    ['classifications, first page', 'api/classifications?limit=50'],
    ['classifications, page after the last id', `api/classifications?limit=50&after=${encodeURIComponent('zzzz')}`],
    ['classifications, page in the middle', `api/classifications?limit=50&after=${encodeURIComponent(`${sample.indicator_id}~50`)}`],
    ['classifications, family filter', 'api/classifications?limit=50&family=price-value'],
    ['classifications, rare filter (temporal/duration, needs review)', 'api/classifications?limit=50&family=temporal&type=duration&review=yes'],
    ['classifications, search by id', `api/classifications?limit=50&q=${encodeURIComponent(sample.indicator_id)}`],
    ['classifications, search by name', `api/classifications?limit=50&q=${encodeURIComponent((sample.name ?? 'gdp').split(' ')[0] ?? 'gdp')}`],
    ['classifications, search that matches nothing', 'api/classifications?limit=50&q=no-such-words-anywhere'],
    ['review queue, first page', 'api/review?limit=50'],
    ['review queue, page in the middle', `api/review?limit=50&after=${encodeURIComponent(`${sample.indicator_id}~50`)}`],
    ['one indicator', `api/indicator?id=${encodeURIComponent(sample.indicator_id)}`],
    ['distributions', 'api/distributions'],
    ['consistency groups', 'api/consistency'],
  ];
}

async function time(name: string, url: string, repeat: number): Promise<EndpointTiming> {
  const samples: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    samples.push(performance.now() - start);
    status = response.status;
    bytes = body.byteLength;
  }
  return { name, path: new URL(url).pathname + new URL(url).search, status, bytes, ms: percentiles(samples), max_ms: Math.max(...samples) };
}

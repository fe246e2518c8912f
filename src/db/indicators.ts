/**
 * The catalog in the database: `source_indicators`, one row per indicator id with the validated
 * fields and the content hash that tells a changed indicator from the same one again.
 */
import type pg from 'pg';
import {
  CatalogSyntaxError,
  checkCatalog,
  noIndicators,
  readCatalog,
  type CatalogFormat,
  type CatalogSummary,
  type RejectedRow,
} from '../catalog/read.js';
import { contentHash } from '../domain/content-hash.js';
import type { Indicator, SampleValue } from '../domain/indicator.js';
import { POLICY_TAG } from '../workflow/policy-tag.js';

export { contentHash };

/** Rows per INSERT: one statement per batch, far below Postgres' 65,535 parameters (we send one). */
export const BATCH_SIZE = 500;

/** The optional text fields, in the order of the Indicator schema (and of the table's columns). */
const TEXT_FIELDS = [
  'units',
  'periodicity',
  'scale',
  'currency_code',
  'description',
  'source',
  'category_group',
  'topic',
  'dataset',
  'aggregation_method',
  'country',
] as const;
const COLUMNS = ['id', 'name', ...TEXT_FIELDS, 'sample_values', 'content_hash'] as const;

export interface UpsertCounts {
  /** New ids. */
  inserted: number;
  /** Known ids whose content changed. */
  updated: number;
  /** Known ids with the same content: not touched. */
  unchanged: number;
}

/**
 * Upserts the indicators in batches of BATCH_SIZE, one statement each (the rows travel as one jsonb
 * parameter). A row is rewritten only when its content hash changed; within a call, the last
 * occurrence of a repeated id wins.
 */
export async function upsertIndicators(pool: pg.Pool, indicators: readonly Indicator[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < indicators.length; start += BATCH_SIZE) {
    add(counts, await upsertBatch(pool, indicators.slice(start, start + BATCH_SIZE)));
  }
  return counts;
}

async function upsertBatch(pool: pg.Pool, batch: readonly Indicator[]): Promise<UpsertCounts> {
  // ON CONFLICT cannot touch one row twice in a statement: keep the last of a repeated id.
  const byId = new Map(batch.map((indicator) => [indicator.id, indicator]));
  if (byId.size === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const rows = [...byId.values()].map((indicator) => ({ ...indicator, content_hash: contentHash(indicator) }));
  const updates = COLUMNS.filter((column) => column !== 'id').map((column) => `${column} = excluded.${column}`);
  const { rows: written } = await pool.query<{ inserted: boolean }>(
    `INSERT INTO source_indicators AS s (${COLUMNS.join(', ')})
     SELECT ${COLUMNS.map((column) => `r.${column}`).join(', ')}
     FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS.map((column) => `${column} ${column === 'sample_values' ? 'jsonb' : 'text'}`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}, updated_at = now()
     WHERE s.content_hash IS DISTINCT FROM excluded.content_hash
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows)],
  );
  const inserted = written.filter((row) => row.inserted).length;
  return { inserted, updated: written.length - inserted, unchanged: byId.size - written.length };
}

function add(total: UpsertCounts, part: UpsertCounts): void {
  total.inserted += part.inserted;
  total.updated += part.updated;
  total.unchanged += part.unchanged;
}

export interface ImportOptions {
  format?: CatalogFormat;
  /** Each rejected row, in file order (the caller reports it). */
  onRejected?: (row: RejectedRow) => void;
  /** Called as rows are checked and stored, for a progress line. */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * A file broken part way (a truncated JSON array, an unclosed CSV quote): by default nothing is
   * imported; with `partial`, the valid rows before the break are, and the summary says where it broke.
   */
  partial?: boolean;
  batchSize?: number;
}

export interface ImportProgress {
  /** Rows read by the first pass, which checks the whole file. */
  readonly checked: number;
  /** Rows written by the second pass. */
  readonly stored: number;
  /** What the second pass will write: known once the check is done. */
  readonly toStore: number | null;
}

/**
 * What an import did. `read` 0 means the file held no indicators at all, `accepted` 0 that there is
 * nothing to classify from it; `stoppedAt` is where a broken file ended the import (only with `partial`).
 */
export type ImportSummary = CatalogSummary &
  UpsertCounts & {
    readonly stoppedAt: { readonly line: number; readonly reason: string } | null;
  };

/** The catalog is broken part way and `partial` was not asked for: nothing was imported. */
export class IncompleteCatalogError extends Error {
  constructor(
    readonly broken: CatalogSyntaxError,
    readonly summary: CatalogSummary,
  ) {
    const rows = summary.accepted === 1 ? 'row' : 'rows';
    super(`${broken.message}; nothing imported (--partial imports the ${summary.accepted} valid ${rows} before line ${broken.line})`);
    this.name = 'IncompleteCatalogError';
  }
}

/**
 * Imports a catalog into `source_indicators` in two passes over the streamed file. The first checks
 * every row (rejected ones go to `onRejected`) and finds out whether the file is whole; the second
 * upserts the valid rows in batches. So a file that ends mid-way stores nothing (IncompleteCatalogError)
 * unless `partial` is set, and memory holds one batch, never the file.
 */
export async function importCatalog(pool: pg.Pool, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const read = options.format === undefined ? {} : { format: options.format };
  const progress = { checked: 0, stored: 0, toStore: null as number | null };
  const { summary, broken } = await checkCatalog(path, {
    ...read,
    onRow: (row) => {
      progress.checked += 1;
      if (row.kind === 'rejected') options.onRejected?.(row);
      options.onProgress?.({ ...progress });
    },
  });
  if (broken !== null && options.partial !== true) throw new IncompleteCatalogError(broken, summary);
  progress.toStore = summary.accepted;

  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const batchSize = options.batchSize ?? BATCH_SIZE;
  let batch: Indicator[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    add(counts, await upsertIndicators(pool, batch));
    progress.stored += batch.length;
    options.onProgress?.({ ...progress });
    batch = [];
  };
  let brokeAgain = false;
  try {
    for await (const row of readCatalog(path, read)) {
      if (row.kind !== 'accepted') continue;
      batch.push(row.indicator);
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    // The break the check found (we are here only with `partial`): the rows before it are stored.
    if (!(error instanceof CatalogSyntaxError) || error.line !== broken?.line) throw error;
    brokeAgain = true;
  }
  await flush();
  if (progress.stored !== summary.accepted || brokeAgain !== (broken !== null)) {
    throw new Error(`${path} changed while it was imported (${summary.accepted} valid rows checked, ${progress.stored} stored): import it again`);
  }
  return { ...summary, ...counts, stoppedAt: broken === null ? null : { line: broken.line, reason: broken.reason } };
}

/** What the caller should say beyond the counts: an empty catalog, a partial import. */
export function importNotes(path: string, summary: ImportSummary): string[] {
  const notes: string[] = [];
  if (summary.stoppedAt !== null) {
    const { line, reason } = summary.stoppedAt;
    notes.push(`${path}: line ${line}: ${reason}; imported only the ${summary.accepted} valid rows before line ${line} (--partial)`);
  }
  if (summary.read === 0 && summary.stoppedAt === null) notes.push(noIndicators(path));
  if (summary.rejected > 0) {
    notes.push(`${path}: ${summary.rejected} ${summary.rejected === 1 ? 'row' : 'rows'} rejected, each reported with its line and reason; the valid rows were imported`);
  }
  return notes;
}

export interface StoredIndicator {
  readonly indicator: Indicator;
  readonly contentHash: string;
}

export interface Selection {
  /**
   * What a run without --force submits: indicators without a classification of their current
   * content (never classified, or changed since) under `policy`, less those whose workflow for their
   * current content and policy failed (spent: `--retry-failed` submits those under a new key, see
   * src/workflow/keys.ts).
   */
  readonly onlyUnclassified: boolean;
  /** What `--retry-failed` submits: the indicators whose last attempt failed (FAILED). */
  readonly onlyFailed?: boolean | undefined;
  /**
   * The run's policy tag (src/workflow/policy-tag.ts): a classification under another one is not
   * current. Absent: any policy counts (content alone decides).
   */
  readonly policy?: string | undefined;
}

export interface ListOptions extends Selection {
  readonly limit?: number;
  /** Keyset paging: only ids after this one (ids are returned in order). */
  readonly afterId?: string;
}

/** The tag as a SQL literal; checked first, since it is written into the statement. */
function policyLiteral(policy: string): string {
  if (!POLICY_TAG.test(policy)) throw new Error(`policy tag ${JSON.stringify(policy)} is not p and 10 hex digits`);
  return `'${policy}'`;
}

/**
 * SQL on `source_indicators s`: the indicator has a classification of its current content (under
 * `policy`, when given).
 */
export function current(policy?: string): string {
  const ofPolicy = policy === undefined ? '' : ` AND c.policy = ${policyLiteral(policy)}`;
  return `EXISTS (SELECT 1 FROM classifications c WHERE c.indicator_id = s.id AND c.content_hash = s.content_hash${ofPolicy})`;
}

/** Content alone: some classification of the current content exists. */
export const CURRENT = current();

/** Its key without a run id: the failure's key is this, or this plus `~runId` (src/workflow/keys.ts). */
const CURRENT_KEY = `s.id || '~' || left(s.content_hash, 16)`;

/** SQL on `s`: the failure row of the indicator is of its current content (the key carries the hash). */
const FAILED_CURRENT = `EXISTS (SELECT 1 FROM failures f WHERE f.indicator_id = s.id
  AND (f.workflow_key = ${CURRENT_KEY} OR starts_with(f.workflow_key, ${CURRENT_KEY} || '~')))`;

/**
 * The failure stage of a workflow killed because the build that ran it is gone (src/runner/orphans.ts):
 * its key is spent, but the indicator did not fail, so a plain run submits it again, under a key of
 * its own (`orphanedIndicators`).
 */
export const ORPHANED_STAGE = 'orphaned';

/**
 * SQL on `s`: its current content's key (under `policy`, when given) is spent: a workflow ran under
 * it and failed, and the engine answers that key with the old failure for its retention window. A
 * submission the engine refused (stage `submit`) ran nothing, so its key is not spent and a plain run
 * sends it again; an orphaned one is sent again under a new key. A failure under another policy spends
 * no key of this one.
 */
export function spent(policy?: string): string {
  const key = policy === undefined ? CURRENT_KEY : `${CURRENT_KEY} || '~' || ${policyLiteral(policy)}`;
  return `EXISTS (SELECT 1 FROM failures f WHERE f.indicator_id = s.id AND f.stage NOT IN ('submit', '${ORPHANED_STAGE}')
  AND (f.workflow_key = ${key} OR starts_with(f.workflow_key, ${key} || '~')))`;
}

/** Indicators whose last workflow was killed with its build (at most the in-flight work of a run that died). */
export async function orphanedIndicators(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ indicator_id: string }>(`SELECT indicator_id FROM failures WHERE stage = $1`, [ORPHANED_STAGE]);
  return new Set(rows.map((row) => row.indicator_id));
}

/**
 * SQL on `s`: the last attempt failed. A save deletes the failure row, so a row means no save since;
 * a failure of older content counts only while no save of the current content exists (one that
 * finished after such a save is a late stale workflow, not this indicator's last attempt).
 */
export const FAILED = `(${FAILED_CURRENT} OR (EXISTS (SELECT 1 FROM failures f WHERE f.indicator_id = s.id) AND NOT ${CURRENT}))`;

/** SQL on `s`: what a plain run under `policy` submits. */
export function unclassified(policy?: string): string {
  return `NOT ${current(policy)} AND NOT ${spent(policy)}`;
}

type IndicatorRow = { [K in (typeof TEXT_FIELDS)[number]]: string | null } & {
  id: string;
  name: string;
  sample_values: SampleValue[];
  content_hash: string;
};

/** One page of indicators, ordered by id. */
export async function listIndicators(pool: pg.Pool, options: ListOptions): Promise<StoredIndicator[]> {
  const conditions: string[] = [];
  const values: (string | number)[] = [];
  if (options.onlyUnclassified) conditions.push(unclassified(options.policy));
  if (options.onlyFailed === true) conditions.push(FAILED);
  if (options.afterId !== undefined) {
    values.push(options.afterId);
    conditions.push(`s.id > $${values.length}`);
  }
  let limit = '';
  if (options.limit !== undefined) {
    values.push(options.limit);
    limit = `LIMIT $${values.length}`;
  }
  const { rows } = await pool.query<IndicatorRow>(
    `SELECT ${COLUMNS.map((column) => `s.${column}`).join(', ')} FROM source_indicators s
     ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY s.id ${limit}`,
    values,
  );
  return rows.map(toStored);
}

/** Every matching indicator, a page at a time, so 100,000 rows are never one array. */
export async function* streamIndicators(
  pool: pg.Pool,
  options: Selection & { readonly pageSize?: number },
): AsyncGenerator<StoredIndicator> {
  const pageSize = options.pageSize ?? 1_000;
  let afterId: string | undefined;
  for (;;) {
    const selection = { onlyUnclassified: options.onlyUnclassified, onlyFailed: options.onlyFailed, policy: options.policy };
    const page = await listIndicators(pool, { ...selection, limit: pageSize, ...(afterId === undefined ? {} : { afterId }) });
    yield* page;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterId = last.indicator.id;
  }
}

/** These indicators as stored (ids not in the catalog are left out). */
export async function indicatorsById(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, StoredIndicator>> {
  const { rows } = await pool.query<IndicatorRow>(`SELECT ${COLUMNS.map((column) => `s.${column}`).join(', ')} FROM source_indicators s WHERE s.id = ANY($1::text[])`, [[...ids]]);
  return new Map(rows.map((row) => [row.id, toStored(row)]));
}

function toStored(row: IndicatorRow): StoredIndicator {
  const indicator: Indicator = {
    id: row.id,
    name: row.name,
    units: row.units,
    periodicity: row.periodicity,
    scale: row.scale,
    currency_code: row.currency_code,
    description: row.description,
    source: row.source,
    category_group: row.category_group,
    topic: row.topic,
    dataset: row.dataset,
    aggregation_method: row.aggregation_method,
    country: row.country,
    sample_values: row.sample_values,
  };
  return { indicator, contentHash: row.content_hash };
}

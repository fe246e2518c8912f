/**
 * The catalog in the database: `source_indicators`, one row per indicator id with the validated
 * fields and the content hash that tells a changed indicator from the same one again.
 */
import type pg from 'pg';
import { countRow, emptySummary, readCatalog, type CatalogFormat, type CatalogSummary, type RejectedRow } from '../catalog/read.js';
import { contentHash } from '../domain/content-hash.js';
import type { Indicator, SampleValue } from '../domain/indicator.js';

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
  batchSize?: number;
}

export type ImportSummary = CatalogSummary & UpsertCounts;

/**
 * Streams a catalog into `source_indicators`: validated rows are upserted in batches, rejected rows
 * go to `onRejected`. If the file breaks part way (CatalogSyntaxError), the rows read before the
 * break are stored, then the error is thrown.
 */
export async function importCatalog(pool: pg.Pool, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const summary: ImportSummary = { ...emptySummary(), inserted: 0, updated: 0, unchanged: 0 };
  const batchSize = options.batchSize ?? BATCH_SIZE;
  let batch: Indicator[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    add(summary, await upsertIndicators(pool, batch));
    batch = [];
  };
  try {
    for await (const read of readCatalog(path, options.format === undefined ? {} : { format: options.format })) {
      const row = read.kind === 'accepted' ? storable(read.line, read.indicator) : read;
      countRow(summary, row);
      if (row.kind === 'rejected') {
        options.onRejected?.(row);
        continue;
      }
      batch.push(row.indicator);
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    await flush();
    throw error;
  }
  await flush();
  return summary;
}

/** Postgres text and jsonb cannot hold U+0000: such a row is rejected here instead of failing its batch. */
function storable(line: number, indicator: Indicator): { kind: 'accepted'; line: number; indicator: Indicator } | RejectedRow {
  if (!containsNul(indicator)) return { kind: 'accepted', line, indicator };
  return {
    kind: 'rejected',
    line,
    id: indicator.id,
    problems: [{ field: 'row', reason: 'contains a NUL character (\\u0000), which the database cannot store' }],
  };
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}

export interface StoredIndicator {
  readonly indicator: Indicator;
  readonly contentHash: string;
}

export interface ListOptions {
  /**
   * Only indicators without a classification of their current content: never classified, or
   * changed since (the classification's content hash differs).
   */
  readonly onlyUnclassified: boolean;
  readonly limit?: number;
  /** Keyset paging: only ids after this one (ids are returned in order). */
  readonly afterId?: string;
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
  if (options.onlyUnclassified) {
    conditions.push(`NOT EXISTS (SELECT 1 FROM classifications c WHERE c.indicator_id = s.id AND c.content_hash = s.content_hash)`);
  }
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
  options: { readonly onlyUnclassified: boolean; readonly pageSize?: number },
): AsyncGenerator<StoredIndicator> {
  const pageSize = options.pageSize ?? 1_000;
  let afterId: string | undefined;
  for (;;) {
    const page = await listIndicators(pool, { onlyUnclassified: options.onlyUnclassified, limit: pageSize, ...(afterId === undefined ? {} : { afterId }) });
    yield* page;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterId = last.indicator.id;
  }
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

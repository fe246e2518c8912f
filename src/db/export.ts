/**
 * Writing the classifications out: one flat record per classification with the indicator's name and
 * units, as CSV, a JSON array or NDJSON. Read a page at a time by indicator id (keyset paging), so
 * the export never holds the table in memory and never holds the embedded database's one session
 * for long (a server-side cursor would, for the whole export).
 */
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import { Readable, type Writable } from 'node:stream';
import { REVIEW_FIELDS, stageOf, type ReviewField } from '../domain/review-fields.js';
import { effectiveColumn, effectiveSource, OVERRIDDEN_VALUES } from './overrides.js';
import { pipeline } from 'node:stream/promises';

export type ExportFormat = 'csv' | 'json' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'ndjson'];

/** The columns of an exported record, in order. */
export const EXPORT_COLUMNS = [
  'indicator_id',
  'name',
  'units',
  'periodicity',
  'country',
  'family',
  'type',
  'temporal_aggregation',
  'is_currency_denominated',
  'orientation',
  'unit_type',
  'scale',
  'scale_factor',
  'currency',
  'per_unit',
  'reporting_frequency',
  'time_basis',
  'is_cumulative',
  'cumulative_pattern',
  'confidence',
  'needs_review',
  'normalization_confidence',
  'normalization_source',
  'time_confidence',
  'time_source',
  'cumulative_confidence',
  'cumulative_source',
  'family_confidence',
  'family_source',
  'type_confidence',
  'type_source',
  'orientation_confidence',
  'orientation_source',
  /** The fields a reviewer overrode (comma-separated; null: none): their values above are the reviewer's. */
  'overridden',
  /** An override was made against other content than the indicator's current one: review it again. */
  'override_needs_rereview',
  /** False when the indicator changed (or is gone) since it was classified. */
  'current',
  'content_hash',
  'run_id',
  'updated_at',
] as const;

export type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | Date | null>;

const FROM_INDICATOR = new Set(['name', 'units', 'periodicity', 'country']);

const OVERRIDABLE = new Set<string>(REVIEW_FIELDS);
/** Each stage's source column, with the fields of it a review may override. */
const STAGE_SOURCES = new Map(
  (['family', 'type', 'orientation'] as const).map((stage) => [`${stage}_source`, { stage, fields: REVIEW_FIELDS.filter((field) => stageOf(field) === stage) }]),
);

/** Overrides in force win (src/db/overrides.ts): the machine's values stay in classifications and overrides.old_value. */
function selectList(): string {
  return EXPORT_COLUMNS.map((column) => {
    if (FROM_INDICATOR.has(column)) return `s.${column}`;
    if (OVERRIDABLE.has(column)) return `${effectiveColumn(column as ReviewField)} AS ${column}`;
    const source = STAGE_SOURCES.get(column);
    if (source !== undefined) return `${effectiveSource(source.stage, source.fields)} AS ${column}`;
    if (column === 'overridden') return `(SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(ov.v) k) AS overridden`;
    if (column === 'override_needs_rereview') return `coalesce(ov.stale, false) AS override_needs_rereview`;
    if (column === 'current') return `(s.content_hash IS NOT DISTINCT FROM c.content_hash) AS current`;
    return `c.${column}`;
  }).join(', ');
}

/** Every classification in indicator id order, a page at a time. */
export async function* exportRecords(pool: pg.Pool, pageSize = 1_000): AsyncGenerator<ExportRecord> {
  const select = selectList();
  let after: string | null = null;
  for (;;) {
    const result: pg.QueryResult<ExportRecord> = await pool.query<ExportRecord>(
      `SELECT ${select} FROM classifications c LEFT JOIN source_indicators s ON s.id = c.indicator_id
       LEFT JOIN LATERAL ${OVERRIDDEN_VALUES} ov ON true
       WHERE $1::text IS NULL OR c.indicator_id > $1 ORDER BY c.indicator_id LIMIT $2`,
      [after, pageSize],
    );
    yield* result.rows;
    const last = result.rows.at(-1);
    if (last === undefined || result.rows.length < pageSize) return;
    after = String(last.indicator_id);
  }
}

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Left open when it is process.stdout. */
  readonly out: Writable;
  readonly pageSize?: number;
  /** Called with the running count after each record, for a progress line. */
  readonly onProgress?: (exported: number) => void;
}

/** Writes every classification to `out`; returns how many. */
export async function exportClassifications(pool: pg.Pool, options: ExportOptions): Promise<number> {
  let count = 0;
  const counted = async function* (): AsyncGenerator<ExportRecord> {
    for await (const record of exportRecords(pool, options.pageSize)) {
      count += 1;
      options.onProgress?.(count);
      yield record;
    }
  };
  const end = options.out !== process.stdout;
  switch (options.format) {
    case 'csv':
      await pipeline(
        Readable.from(counted()),
        stringify({
          header: true,
          columns: [...EXPORT_COLUMNS],
          cast: { boolean: (value) => String(value), date: (value) => value.toISOString() },
        }),
        options.out,
        { end },
      );
      break;
    case 'ndjson':
      await pipeline(Readable.from(ndjson(counted())), options.out, { end });
      break;
    case 'json':
      await pipeline(Readable.from(jsonArray(counted())), options.out, { end });
      break;
    default: {
      const unreachable: never = options.format;
      throw new Error(`unknown export format ${String(unreachable)}`);
    }
  }
  return count;
}

async function* ndjson(records: AsyncIterable<ExportRecord>): AsyncGenerator<string> {
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}

/** A JSON array, one record a line. */
async function* jsonArray(records: AsyncIterable<ExportRecord>): AsyncGenerator<string> {
  let separator = '\n';
  yield '[';
  for await (const record of records) {
    yield `${separator}${JSON.stringify(record)}`;
    separator = ',\n';
  }
  yield separator === '\n' ? ']\n' : '\n]\n';
}

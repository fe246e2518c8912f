/** Writes catalog rows to a file as a JSON array, NDJSON or CSV, streaming (rows are never all in memory). */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Indicator, type IndicatorInput } from '../../domain/indicator.js';

export type CatalogWriteFormat = 'json' | 'ndjson' | 'csv';

/** The CSV columns: the Indicator fields, in the schema's order. */
export const CSV_COLUMNS = Object.keys(Indicator.shape) as (keyof IndicatorInput)[];

/** Writes the rows and resolves to how many were written. */
export async function writeCatalog(rows: Iterable<IndicatorInput>, path: string, format: CatalogWriteFormat): Promise<number> {
  const counter = { rows: 0 };
  const counted = countRows(rows, counter);
  const output = createWriteStream(path, { encoding: 'utf8' });
  if (format === 'csv') {
    const csv = stringify({ header: true, columns: CSV_COLUMNS });
    await pipeline(Readable.from(mapRows(counted, csvRecord)), csv, output);
  } else {
    await pipeline(Readable.from(format === 'json' ? jsonChunks(counted) : ndjsonChunks(counted)), output);
  }
  return counter.rows;
}

function* countRows(rows: Iterable<IndicatorInput>, counter: { rows: number }): Generator<IndicatorInput> {
  for (const row of rows) {
    counter.rows++;
    yield row;
  }
}

function* mapRows<T>(rows: Iterable<IndicatorInput>, map: (row: IndicatorInput) => T): Generator<T> {
  for (const row of rows) yield map(row);
}

function* ndjsonChunks(rows: Iterable<IndicatorInput>): Generator<string> {
  for (const row of rows) yield `${JSON.stringify(row)}\n`;
}

/** A JSON array, one row a line, written as the rows come. */
function* jsonChunks(rows: Iterable<IndicatorInput>): Generator<string> {
  let first = true;
  for (const row of rows) {
    yield `${first ? '[\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

/** Cells as text; sample_values as JSON text; absent fields as empty cells. */
function csvRecord(row: IndicatorInput): Record<string, string> {
  const record: Record<string, string> = {};
  for (const column of CSV_COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined) record[column] = '';
    else record[column] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return record;
}

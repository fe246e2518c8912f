/**
 * CSV with a header row, streamed through csv-parse. Cells stay strings (no casting: `scale` is free
 * text even when it looks like a number); an empty cell is null; `sample_values` holds JSON text.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { REQUIRED_FIELDS } from '../domain/indicator.js';
import { decodeJson, MAX_DEPTH } from './json-text.js';
import { CatalogSyntaxError, type RawRow, type RowProblem } from './types.js';

/** What csv-parse yields with `info: true` and no `columns`: the cells and a snapshot of its counters. */
interface CsvItem {
  record: string[];
  info: { empty_lines: number };
}

/**
 * Where records start. csv-parse's own `info.lines` miscounts CRLF line breaks inside quoted cells, so
 * the start line is derived instead: the previous record's end, plus the empty lines csv-parse skipped
 * since, plus one; a record ends as many lines later as its cells contain line breaks.
 */
class LineTracker {
  private nextLine = 1;
  private emptySeen = 0;

  /** The line `cells` started on, given csv-parse's running count of skipped empty lines. */
  start(cells: readonly string[], emptyLines: number): number {
    const line = this.peek(emptyLines);
    this.emptySeen = emptyLines;
    this.nextLine = line + cells.reduce((sum, cell) => sum + lineBreaks(cell), 0) + 1;
    return line;
  }

  /** The line the next record starts on (used to place a syntax error). */
  peek(emptyLines: number): number {
    return this.nextLine + (emptyLines - this.emptySeen);
  }
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** The first quoting error, and how many records csv-parse had produced before it. */
interface Failure {
  error: CsvError;
  afterRecords: number;
}

/**
 * Yields one raw row per data record; a quoting error stops the read with CatalogSyntaxError.
 *
 * Why `skip_records_with_error`: thrown parse errors destroy the stream, losing records it had already
 * parsed from the same chunk. Skipping instead lets us note where the first error fell (on_skip runs in
 * order with on_record) and stop there after yielding every earlier row. Rows after a quoting error are
 * not trusted, since csv-parse cannot tell where the broken record ends.
 */
export async function* readCsv(path: string): AsyncGenerator<RawRow> {
  // A holder, not two `let`s: the callbacks below set it, which flow analysis cannot see.
  const seen: { produced: number; failure: Failure | null } = { produced: 0, failure: null };
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    skip_records_with_error: true,
    on_record: (record) => {
      seen.produced += 1;
      return record;
    },
    on_skip: (error) => {
      if (error !== undefined) seen.failure ??= { error, afterRecords: seen.produced };
      return undefined;
    },
  });
  // pipeline (not pipe) so that a read error reaches the parser and an early stop closes the file.
  pipeline(createReadStream(path), parser, () => undefined);
  const lines = new LineTracker();
  let header: string[] | null = null;
  let consumed = 0;
  try {
    for await (const item of parser) {
      if (seen.failure !== null && consumed >= seen.failure.afterRecords) break;
      consumed += 1;
      const { record, info } = item as CsvItem;
      const line = lines.start(record, info.empty_lines);
      if (header === null) header = readHeader(path, record, line);
      else yield toRawRow(header, record, line);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    seen.failure ??= { error, afterRecords: consumed };
  }
  if (seen.failure !== null) throw syntaxError(path, seen.failure.error, lines);
}

function syntaxError(path: string, error: CsvError, lines: LineTracker): CatalogSyntaxError {
  const emptyLines = typeof error.empty_lines === 'number' ? error.empty_lines : 0;
  return new CatalogSyntaxError(path, lines.peek(emptyLines), `CSV syntax error: ${error.message}`);
}

/**
 * Column names, trimmed. A repeated name would make a cell ambiguous, and a missing required column
 * would reject every row for the same reason, so either stops the read with one error about the header.
 */
function readHeader(path: string, cells: readonly string[], line: number): string[] {
  const names = cells.map((cell) => cell.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name !== '' && seen.has(name)) throw new CatalogSyntaxError(path, line, `the header repeats the column "${name}"`);
    seen.add(name);
  }
  const missing = REQUIRED_FIELDS.filter((field) => !seen.has(field));
  if (missing.length > 0) {
    const columns = missing.length === 1 ? 'column' : 'columns';
    throw new CatalogSyntaxError(path, line, `the header lacks the required ${columns} ${quoted(missing)} (found: ${quoted(names)})`);
  }
  return names;
}

const MAX_NAMES_SHOWN = 20;

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMES_SHOWN).map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name));
  return names.length > MAX_NAMES_SHOWN ? `${shown.join(', ')}, … ${names.length} in all` : shown.join(', ');
}

function toRawRow(header: readonly string[], cells: readonly string[], line: number): RawRow {
  if (cells.length !== header.length) {
    return { kind: 'broken', line, reason: `expected ${header.length} fields as in the header, found ${cells.length}` };
  }
  const value: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  header.forEach((name, index) => {
    const cell = cells[index] ?? '';
    // A blank header cell (e.g. a trailing comma) names no field.
    if (name === '') return;
    value[name] = name === 'sample_values' ? decodeJsonCell(cell, name, problems) : cell === '' ? null : cell;
  });
  return { kind: 'parsed', line, value, problems };
}

/**
 * A JSON cell: blank is null; bad JSON is a problem of that field, and the field counts as absent. The
 * row is one level of nesting, so the cell gets one less.
 */
function decodeJsonCell(cell: string, field: string, problems: RowProblem[]): unknown {
  if (cell.trim() === '') return null;
  const decoded = decodeJson(cell, MAX_DEPTH - 1);
  if (decoded.ok) return decoded.value;
  problems.push({ field, reason: decoded.reason });
  return null;
}

/** Reading a catalog: pick the format reader, validate each row, never hold the whole file. */
import { readCsv } from './csv.js';
import { detectFormat } from './formats.js';
import { readJsonArray } from './json-array.js';
import { readNdjson } from './ndjson.js';
import { countRow, emptySummary, type CatalogSummary } from './summary.js';
import { CatalogSyntaxError, type CatalogFormat, type CatalogRow, type RawRow } from './types.js';
import { createRowValidator, type DuplicateIdPolicy } from './validate.js';

export { detectFormat, formatFromExtension } from './formats.js';
export { formatBreak, formatRejection, formatSummary, noIndicators, type CatalogSummary } from './summary.js';
export {
  CatalogSyntaxError,
  type CatalogFormat,
  type CatalogRow,
  type RejectedRow,
  type RowProblem,
} from './types.js';
export type { DuplicateIdPolicy } from './validate.js';

export interface ReadCatalogOptions {
  /** Overrides detection from the file extension. */
  format?: CatalogFormat;
  /** Default 'reject': a repeated id is rejected with field "id". */
  duplicateIds?: DuplicateIdPolicy;
}

/**
 * Yields every row of the catalog at `path`, accepted or rejected, in file order. Throws
 * CatalogSyntaxError (after the rows before it) when the file is broken past recovery.
 */
export async function* readCatalog(path: string, options: ReadCatalogOptions = {}): AsyncGenerator<CatalogRow> {
  const format = await detectFormat(path, options.format);
  const validate = createRowValidator(options.duplicateIds);
  for await (const raw of rawRows(path, format)) yield validate(raw);
}

function rawRows(path: string, format: CatalogFormat): AsyncGenerator<RawRow> {
  switch (format) {
    case 'json':
      return readJsonArray(path);
    case 'ndjson':
      return readNdjson(path);
    case 'csv':
      return readCsv(path);
    default: {
      const unreachable: never = format;
      throw new Error(`unknown catalog format ${String(unreachable)}`);
    }
  }
}

export interface ReadWithSummaryOptions extends ReadCatalogOptions {
  /** Called for each row in order; awaited, so a slow consumer slows the read instead of buffering. */
  onRow?: (row: CatalogRow) => void | Promise<void>;
}

/** Reads the whole catalog through `onRow` and returns the counts; throws where the file is broken. */
export async function readCatalogWithSummary(path: string, options: ReadWithSummaryOptions = {}): Promise<CatalogSummary> {
  const { summary, broken } = await checkCatalog(path, options);
  if (broken !== null) throw broken;
  return summary;
}

export interface CatalogCheck {
  /** The rows read: all of them, or those before the break. */
  readonly summary: CatalogSummary;
  /** Where the file is broken past recovery (nothing after it was read); null when it was read to the end. */
  readonly broken: CatalogSyntaxError | null;
}

/**
 * Reads the whole catalog through `onRow` and returns the counts and where the file broke, if it did:
 * the one check that `validate`, `import` and `run` share. Other errors (a missing file) are thrown.
 */
export async function checkCatalog(path: string, options: ReadWithSummaryOptions = {}): Promise<CatalogCheck> {
  const summary = emptySummary();
  try {
    for await (const row of readCatalog(path, options)) {
      countRow(summary, row);
      await options.onRow?.(row);
    }
  } catch (error) {
    if (error instanceof CatalogSyntaxError) return { summary, broken: error };
    throw error;
  }
  return { summary, broken: null };
}

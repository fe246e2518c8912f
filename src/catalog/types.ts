/** Shared shapes of catalog reading: what the format readers produce and what the caller receives. */
import type { Indicator } from '../domain/indicator.js';

export type CatalogFormat = 'json' | 'ndjson' | 'csv';

/** One thing wrong with a row: `field` is a path such as "id", "sample_values[2].date" or "row". */
export interface RowProblem {
  field: string;
  reason: string;
}

/** A validated row, or a rejected one with every problem found; `line` is 1-based, where the row starts. */
export type CatalogRow =
  | { kind: 'accepted'; line: number; indicator: Indicator }
  | { kind: 'rejected'; line: number; id: string | null; problems: RowProblem[] };

export type RejectedRow = Extract<CatalogRow, { kind: 'rejected' }>;

/**
 * What a format reader yields before validation. `parsed` carries the decoded value plus any problems
 * the format itself found (a bad JSON cell in CSV) so that validation can still report the other fields;
 * `broken` is a row that could not be decoded at all.
 */
export type RawRow =
  | { kind: 'parsed'; line: number; value: unknown; problems: RowProblem[] }
  | { kind: 'broken'; line: number; reason: string };

/**
 * The file itself is broken past recovery (an unclosed JSON array, a CSV quote error, a CSV header
 * without the required columns): rows before it were yielded; reading stops here.
 */
export class CatalogSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${path}: line ${line}: ${reason}`);
    this.name = 'CatalogSyntaxError';
  }
}

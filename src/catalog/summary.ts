/** Counting and wording what a read did, for the CLI. */
import type { CatalogRow, CatalogSyntaxError, RejectedRow } from './types.js';

export interface CatalogSummary {
  read: number;
  accepted: number;
  rejected: number;
}

export function emptySummary(): CatalogSummary {
  return { read: 0, accepted: 0, rejected: 0 };
}

/** Counts one row into `summary` (mutated: a read may have 100,000 rows). */
export function countRow(summary: CatalogSummary, row: CatalogRow): CatalogSummary {
  summary.read += 1;
  switch (row.kind) {
    case 'accepted':
      summary.accepted += 1;
      break;
    case 'rejected':
      summary.rejected += 1;
      break;
    default: {
      const unreachable: never = row;
      throw new Error(`unknown row kind ${JSON.stringify(unreachable)}`);
    }
  }
  return summary;
}

/** e.g. "read 120 rows: 118 accepted, 2 rejected". */
export function formatSummary(summary: CatalogSummary): string {
  const rows = summary.read === 1 ? 'row' : 'rows';
  return `read ${summary.read} ${rows}: ${summary.accepted} accepted, ${summary.rejected} rejected`;
}

/** e.g. `line 12: sample_values[2].date: not a calendar date: "2024-13"`; several problems joined by "; ". */
export function formatRejection(row: RejectedRow): string {
  const problems = row.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
  return `line ${row.line}: ${problems}`;
}

/** The warning for a catalog without a single row: exit 2, never a silent success. */
export function noIndicators(path: string): string {
  return `no indicators in ${path}`;
}

/** e.g. `cat.json: line 9: the file ends before the JSON array is closed with "]" (reading stopped there: nothing after it was read)`. */
export function formatBreak(broken: CatalogSyntaxError): string {
  return `${broken.message} (reading stopped there: nothing after it was read)`;
}

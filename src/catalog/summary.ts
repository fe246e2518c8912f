/** Counting and wording what a read did, for the CLI. */
import type { CatalogRow, RejectedRow } from './types.js';

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

/** Catalog files for tests: a temporary directory per test file, readers that collect rows, compact views. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { readCatalog, type CatalogFormat, type CatalogRow, type RejectedRow } from '../src/catalog/read.js';

export interface CatalogFiles {
  /** The directory, for files a test names itself. */
  readonly dir: () => string;
  /** Writes `text` to a fresh file with the given extension and returns its path. */
  readonly fixture: (extension: string, text: string | Buffer) => Promise<string>;
}

/** Hooks for the enclosing file: a temporary directory, removed afterwards. */
export function useCatalogFiles(): CatalogFiles {
  let dir = '';
  let count = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classify-catalog-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    fixture: async (extension, text) => {
      count += 1;
      const path = join(dir, `catalog-${count}${extension}`);
      await writeFile(path, text);
      return path;
    },
  };
}

export async function readAll(path: string, format?: CatalogFormat): Promise<CatalogRow[]> {
  const rows: CatalogRow[] = [];
  for await (const row of readCatalog(path, format === undefined ? {} : { format })) rows.push(row);
  return rows;
}

/** Reads until the catalog throws; returns the rows before it and the error. */
export async function readUntilError(path: string, format?: CatalogFormat): Promise<{ rows: CatalogRow[]; error: unknown }> {
  const rows: CatalogRow[] = [];
  try {
    for await (const row of readCatalog(path, format === undefined ? {} : { format })) rows.push(row);
  } catch (error) {
    return { rows, error };
  }
  return { rows, error: null };
}

/** Compact view of rows for assertions: line, id and what was wrong. */
export function outline(rows: readonly CatalogRow[]): string[] {
  return rows.map((row) => {
    switch (row.kind) {
      case 'accepted':
        return `${row.line} ok ${row.indicator.id}`;
      case 'rejected':
        return `line ${row.line}: ${row.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}`;
      default: {
        const unreachable: never = row;
        return String(unreachable);
      }
    }
  });
}

export function rejected(rows: readonly CatalogRow[]): RejectedRow[] {
  return rows.filter((row): row is RejectedRow => row.kind === 'rejected');
}

export const ndjson = (...rows: unknown[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

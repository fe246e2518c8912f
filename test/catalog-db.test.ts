/**
 * Importing catalogs that are not clean, on every backend: a row the database would refuse is rejected
 * with its line while every other row is stored; a file broken part way stores nothing unless asked.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRejection, type RejectedRow } from '../src/catalog/read.js';
import { importCatalog, importNotes, IncompleteCatalogError } from '../src/db/indicators.js';
import { BACKENDS, indicator, ndjsonFile, useDatabase } from './db-helpers.js';

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`importing on ${name}`, () => {
    const database = useDatabase(name);
    let dir = '';

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'classify-catalog-db-'));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function storedIds(): Promise<string[]> {
      const { rows } = await database.db.pool.query<{ id: string }>('SELECT id FROM source_indicators ORDER BY id');
      return rows.map((row) => row.id);
    }

    async function file(fileName: string, text: string): Promise<string> {
      const path = join(dir, fileName);
      await writeFile(path, text);
      return path;
    }

    it('a row with an unpaired surrogate or a NUL is rejected with its line; every other row is stored', async () => {
      // Raw lines: JSON.stringify would escape these the same way, but a catalog author's file is text.
      const path = await ndjsonFile(dir, 'bad-text.ndjson', [
        indicator('a'),
        '{"id":"surrogate","name":"GDP \\ud800"}',
        indicator('b'),
        '{"id":"nul","name":"CPI","units":"a\\u0000b"}',
        indicator('c'),
      ]);
      const rejected: RejectedRow[] = [];
      const summary = await importCatalog(database.db.pool, path, { onRejected: (row) => rejected.push(row), batchSize: 2 });
      expect(summary).toMatchObject({ read: 5, accepted: 3, rejected: 2, inserted: 3, stoppedAt: null });
      expect(rejected.map(formatRejection)).toEqual([
        'line 2: name: contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode',
        'line 4: units: contains a NUL character (\\u0000), which the database cannot store',
      ]);
      expect(await storedIds()).toEqual(['a', 'b', 'c']);
      expect(importNotes(path, summary)).toEqual([`${path}: 2 rows rejected, each reported with its line and reason; the valid rows were imported`]);
    });

    it('a truncated JSON array imports nothing, and says so; --partial imports the rows before the break', async () => {
      const path = await file('truncated.json', `[\n${JSON.stringify(indicator('a'))},\n${JSON.stringify(indicator('b'))},\n{"id": "c", "na`);
      const error = await importCatalog(database.db.pool, path).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IncompleteCatalogError);
      expect(String(error)).toMatch(/truncated\.json: line 4: the file ends inside the array element starting on line 4 .*; nothing imported \(--partial imports the 2 valid rows before line 4\)/);
      expect(await storedIds()).toEqual([]);

      const partial = await importCatalog(database.db.pool, path, { partial: true, batchSize: 1 });
      expect(partial).toMatchObject({ read: 2, accepted: 2, inserted: 2, stoppedAt: { line: 4 } });
      expect(importNotes(path, partial)).toEqual([expect.stringMatching(/: line 4: .*; imported only the 2 valid rows before line 4 \(--partial\)$/)]);
      expect(await storedIds()).toEqual(['a', 'b']);
    });

    it('an unclosed CSV quote imports nothing without --partial', async () => {
      const path = await file('unclosed.csv', 'id,name,units\na,GDP,%\nb,"CPI,%\nc,Exports,USD\n');
      await expect(importCatalog(database.db.pool, path)).rejects.toThrow(/unclosed\.csv: line 3: CSV syntax error: Quote Not Closed.*nothing imported \(--partial imports the 1 valid row before line 3\)/);
      expect(await storedIds()).toEqual([]);
      expect(await importCatalog(database.db.pool, path, { partial: true })).toMatchObject({ accepted: 1, inserted: 1, stoppedAt: { line: 3 } });
      expect(await storedIds()).toEqual(['a']);
    });

    it('a CSV header without the required columns is one error, nothing imported', async () => {
      const path = await file('header.csv', 'ident,title\na,GDP\nb,CPI\n');
      const rejected: number[] = [];
      await expect(importCatalog(database.db.pool, path, { onRejected: (row) => rejected.push(row.line) })).rejects.toThrow(
        /line 1: the header lacks the required columns "id", "name" \(found: "ident", "title"\); nothing imported/,
      );
      expect(rejected).toEqual([]);
      expect(await storedIds()).toEqual([]);
    });

    it('an empty catalog imports nothing and the summary and notes say so', async () => {
      const path = await file('empty.csv', 'id,name\n');
      const summary = await importCatalog(database.db.pool, path);
      expect(summary).toEqual({ read: 0, accepted: 0, rejected: 0, inserted: 0, updated: 0, unchanged: 0, stoppedAt: null });
      expect(importNotes(path, summary)).toEqual([`no indicators in ${path}`]);
    });
  });
}

/**
 * Fuzzing the catalog readers and the row check: whatever the file holds, reading it never crashes.
 * Every row comes back accepted or rejected with a line inside the file, a broken file ends with a
 * CatalogSyntaxError that carries a line, and an accepted indicator is one the database can store.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CatalogSyntaxError, readCatalog, type CatalogFormat, type CatalogRow } from '../src/catalog/read.js';
import { useCatalogFiles } from './catalog-helpers.js';

const files = useCatalogFiles();
const FORMATS: readonly CatalogFormat[] = ['json', 'ndjson', 'csv'];
const EXTENSION: Record<CatalogFormat, string> = { json: '.json', ndjson: '.ndjson', csv: '.csv' };
const RUNS = { numRuns: 120 };

interface Outcome {
  rows: CatalogRow[];
  error: unknown;
}

async function readAs(content: string | Uint8Array, format: CatalogFormat): Promise<Outcome> {
  const path = await files.fixture(EXTENSION[format], Buffer.from(content));
  const rows: CatalogRow[] = [];
  try {
    for await (const row of readCatalog(path, { format })) rows.push(row);
  } catch (error) {
    return { rows, error };
  }
  return { rows, error: null };
}

/** Lines as the readers count them: any of CRLF, CR or LF ends one. */
function lineCount(content: string | Uint8Array): number {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  return (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
}

/** Every string in a value, keys included (JSON.stringify would hide a lone surrogate as an escape). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
  return [];
}

/** The properties every read must have, whatever the input. */
function expectHonest(outcome: Outcome, content: string | Uint8Array): void {
  const lines = lineCount(content);
  if (outcome.error !== null) {
    expect(outcome.error).toBeInstanceOf(CatalogSyntaxError);
    const { line } = outcome.error as CatalogSyntaxError;
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(lines + 1);
  }
  let previous = 0;
  for (const row of outcome.rows) {
    expect(row.line).toBeGreaterThanOrEqual(Math.max(1, previous));
    expect(row.line).toBeLessThanOrEqual(lines);
    previous = row.line;
    if (row.kind === 'rejected') {
      expect(row.problems.length).toBeGreaterThan(0);
      continue;
    }
    // Storable: no string Postgres would refuse (NUL, a lone surrogate) or that hides bytes that were not UTF-8.
    expect(strings(row.indicator).filter((text) => text.includes('\0') || /\p{Cs}/u.test(text) || text.includes('\uFFFD'))).toEqual([]);
    expect(() => encodeURIComponent(row.indicator.id)).not.toThrow();
  }
}

/** Text that is hard on readers: quotes, brackets, separators, line breaks, NUL, lone surrogates. */
const nastyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', "'", '\\', ',', ';', '[', ']', '{', '}', '\n', '\r', '\t', ' ', '\0', '\ud800', '\udfff', '\uFEFF', '\uFFFD', 'é'),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const jsonValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Rows that look like indicators, with some fields of the wrong kind. */
const rowLike = fc.record(
  {
    id: fc.oneof(nastyText, fc.integer(), fc.string({ minLength: 195, maxLength: 205 }), jsonValue),
    name: fc.oneof(nastyText, jsonValue),
    units: fc.oneof(nastyText, fc.constant(null)),
    description: fc.oneof(nastyText, fc.string({ minLength: 9_990, maxLength: 10_010 })),
    sample_values: fc.oneof(
      fc.array(fc.record({ date: fc.oneof(fc.constantFrom('2024', '2024-13', '2024-Q2', 'last10YearsAvg', 'yesterday', '2024-1-5'), nastyText), value: jsonValue }), { maxLength: 3 }),
      jsonValue,
    ),
    extra: jsonValue,
  },
  { requiredKeys: [] },
);

/** A deep value: nesting far past any limit, in a field or as the whole row. */
const deepText = fc.integer({ min: 20, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

/** One row as the format writes it. */
function asJsonRow(row: unknown, deep: string | null): string {
  const text = JSON.stringify(row);
  return deep === null ? text : text.startsWith('{') && text.length > 2 ? `{"deep":${deep},${text.slice(1)}` : deep;
}

function csvCell(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
}

describe('fuzzing the catalog readers', () => {
  it.each(FORMATS)('%s: random bytes', async (format) => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expectHonest(await readAs(bytes, format), bytes);
      }),
      RUNS,
    );
  });

  it.each(FORMATS)('%s: random text made of the characters that matter', async (format) => {
    await fc.assert(
      fc.asyncProperty(fc.array(nastyText, { maxLength: 8 }), async (parts) => {
        const text = parts.join(format === 'csv' ? ',' : '');
        expectHonest(await readAs(text, format), text);
      }),
      RUNS,
    );
  });

  it('JSON array and NDJSON: random rows, some deep, every one accounted for with its line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(rowLike, fc.option(deepText, { freq: 4 })), { maxLength: 6 }), fc.boolean(), async (rows, pretty) => {
        const texts = rows.map(([row, deep]) => asJsonRow(row, deep));
        for (const [format, text] of [
          ['ndjson', texts.join('\n') + '\n'],
          ['json', `[\n${texts.join(pretty ? ',\n\n' : ',\n')}\n]\n`],
        ] as const) {
          const outcome = await readAs(text, format);
          expectHonest(outcome, text);
          // Whole files: every row comes back, in order, and none was lost to a fatal error.
          expect(outcome.error).toBeNull();
          expect(outcome.rows).toHaveLength(rows.length);
          rows.forEach(([, deep], index) => {
            if (deep !== null && deep.length > 64) expect(outcome.rows[index]?.kind).toBe('rejected');
          });
        }
      }),
      RUNS,
    );
  });

  it('CSV: random rows under a good header, every one accounted for', async () => {
    const columns = ['id', 'name', 'units', 'description', 'sample_values'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(rowLike, { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
        const lines = rows.map((row) => columns.map((column) => csvCell((row as Record<string, unknown>)[column])).join(','));
        const text = [columns.join(','), ...lines].join(eol) + eol;
        const outcome = await readAs(text, 'csv');
        expectHonest(outcome, text);
        expect(outcome.error).toBeNull();
        expect(outcome.rows).toHaveLength(rows.length);
      }),
      RUNS,
    );
  });
});

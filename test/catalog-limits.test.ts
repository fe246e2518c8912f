/**
 * The row check that validate, import and run share: everything the database and the workflow engine
 * would refuse is a rejected row with its line, never a crash and never a surprise at import time.
 */
import { describe, expect, it } from 'vitest';
import { checkCatalog, CatalogSyntaxError, type CatalogFormat } from '../src/catalog/read.js';
import { MAX_DEPTH } from '../src/catalog/json-text.js';
import { MAX_ID_LENGTH, MAX_SAMPLE_VALUES, MAX_TEXT_LENGTH } from '../src/domain/indicator.js';
import { workflowKey } from '../src/workflow/keys.js';
import { ndjson, outline, readAll, readUntilError, useCatalogFiles } from './catalog-helpers.js';

const files = useCatalogFiles();

/** The same rows as NDJSON, a JSON array and CSV (text fields only; `sample_values` as a JSON cell). */
async function inEveryFormat(rows: readonly Record<string, unknown>[]): Promise<Record<CatalogFormat, string>> {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => {
    const text = value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return `"${text.replaceAll('"', '""')}"`;
  };
  const csv = [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n') + '\n';
  return {
    ndjson: await files.fixture('.ndjson', ndjson(...rows)),
    json: await files.fixture('.json', `[\n${rows.map((row) => JSON.stringify(row)).join(',\n')}\n]\n`),
    csv: await files.fixture('.csv', csv),
  };
}

const FORMATS: readonly CatalogFormat[] = ['ndjson', 'json', 'csv'];

describe('text the database or the engine would refuse', () => {
  const rows = [
    { id: 'a', name: 'A' },
    { id: 'surrogate', name: 'Bad \ud800 name' },
    { id: 'nul', name: 'N', description: 'a\u0000b' },
    { id: 'b', name: 'B' },
    { id: 'low\udc00', name: 'lone low surrogate in the id' },
    { id: 'pair', name: 'A well-formed pair is fine: \ud83d\ude00' },
  ];

  it.each(FORMATS)('%s: an unpaired surrogate or a NUL is a rejected row with its line; the rest is accepted', async (format) => {
    const paths = await inEveryFormat(rows);
    const read = await readAll(paths[format]);
    // NDJSON starts on line 1; the array's '[' and the CSV header take line 1.
    const line = (index: number): number => index + (format === 'ndjson' ? 1 : 2);
    // Only JSON can spell a lone surrogate ("\ud800"); written as CSV text, UTF-8 has made it U+FFFD.
    const surrogate =
      format === 'csv'
        ? 'contains U+FFFD, the replacement character: the file is not valid UTF-8 here'
        : 'contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode';
    expect(outline(read)).toEqual([
      `${line(0)} ok a`,
      `line ${line(1)}: name: ${surrogate}`,
      `line ${line(2)}: description: contains a NUL character (\\u0000), which the database cannot store`,
      `${line(3)} ok b`,
      `line ${line(4)}: id: ${surrogate}`,
      `${line(5)} ok pair`,
    ]);
  });

  it('a lone surrogate escaped in a CSV sample_values cell is rejected too', async () => {
    const text = 'id,name,sample_values\na,A,"[{""date"":""2024"",""value"":1,""note"":""\\ud800""}]"\nb,B,"[{""date"":""2024\\ud800"",""value"":1}]"\n';
    const read = outline(await readAll(await files.fixture('.csv', text)));
    // An unknown key is dropped, so it cannot reach the database: the row is fine; a bad date is not.
    expect(read[0]).toBe('2 ok a');
    expect(read[1]).toMatch(/^line 3: sample_values\[0\]\.date: not a date/);
  });

  it('bytes that are not UTF-8 are rejected instead of silently becoming U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"a","name":"A"}\n{"id":"b","name":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    expect(outline(await readAll(await files.fixture('.ndjson', bytes)))).toEqual([
      '1 ok a',
      'line 2: name: contains U+FFFD, the replacement character: the file is not valid UTF-8 here',
    ]);
  });
});

describe('nesting', () => {
  const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

  it('a row nested 100,000 deep, whole or in an unknown field, is a rejected row; the file goes on', async () => {
    const text = `{"id":"a","name":"A"}\n{"id":"x","name":"X","extra":${deep(100_000)}}\n${deep(100_000)}\n{"id":"b","name":"B"}\n`;
    const reason = `row: nested deeper than ${MAX_DEPTH} levels of arrays and objects`;
    expect(outline(await readAll(await files.fixture('.ndjson', text)))).toEqual(['1 ok a', `line 2: ${reason}`, `line 3: ${reason}`, '4 ok b']);
    const array = `[\n{"id":"a","name":"A"},\n{"id":"x","name":"X","extra":${deep(100_000)}},\n${deep(100_000)},\n{"id":"b","name":"B"}\n]\n`;
    expect(outline(await readAll(await files.fixture('.json', array)))).toEqual(['2 ok a', `line 3: ${reason}`, `line 4: ${reason}`, '5 ok b']);
  });

  it('a CSV sample_values cell counts the row as one level', async () => {
    const cell = (depth: number): string => `"${deep(depth)}"`;
    const text = `id,name,sample_values\na,A,${cell(MAX_DEPTH - 1)}\nb,B,${cell(MAX_DEPTH)}\nc,C,${cell(100_000)}\nd,D,[]\n`;
    const read = outline(await readAll(await files.fixture('.csv', text)));
    // 31 levels parse (and fail the schema: not {date, value}); 32 and more are refused unparsed.
    expect(read[0]).toMatch(/^line 2: sample_values\[0\]: /);
    expect(read.slice(1)).toEqual([
      `line 3: sample_values: nested deeper than ${MAX_DEPTH} levels of arrays and objects`,
      `line 4: sample_values: nested deeper than ${MAX_DEPTH} levels of arrays and objects`,
      '5 ok d',
    ]);
  });

  it('brackets inside strings do not count', async () => {
    const row = { id: 'a', name: '['.repeat(1000), description: '{"\\['.repeat(100) };
    expect(outline(await readAll(await files.fixture('.ndjson', ndjson(row))))).toEqual(['1 ok a']);
  });
});

describe('ids and lengths', () => {
  it(`an id is at most ${MAX_ID_LENGTH} characters, without control characters, and makes a workflow key that fits a URL`, async () => {
    const longest = 'i'.repeat(MAX_ID_LENGTH);
    const rows = [
      { id: longest, name: 'A' },
      { id: `${longest}x`, name: 'B' },
      { id: 'x'.repeat(100_000), name: 'C' },
      { id: 'tab\there', name: 'D' },
      { id: 'c1\u0085', name: 'E' },
      { id: 'slash/and?query#frag%20~tilde é 中', name: 'F' },
    ];
    const read = await readAll(await files.fixture('.ndjson', ndjson(...rows)));
    expect(outline(read)).toEqual([
      `1 ok ${longest}`,
      `line 2: id: longer than ${MAX_ID_LENGTH} characters (${MAX_ID_LENGTH + 1})`,
      `line 3: id: longer than ${MAX_ID_LENGTH} characters (100000)`,
      'line 4: id: contains the control character U+0009, which an id may not (it travels in URLs and workflow keys)',
      'line 5: id: contains the control character U+0085, which an id may not (it travels in URLs and workflow keys)',
      '6 ok slash/and?query#frag%20~tilde é 中',
    ]);
    for (const row of read) {
      if (row.kind === 'accepted') expect(encodeURIComponent(workflowKey(row.indicator).key).length).toBeLessThan(2_000);
    }
  });

  it(`other text is at most ${MAX_TEXT_LENGTH} characters, sample values ${MAX_SAMPLE_VALUES}; a number beyond a double is not a number`, async () => {
    const rows = [
      { id: 'a', name: 'A', description: 'd'.repeat(MAX_TEXT_LENGTH) },
      { id: 'b', name: 'B', description: 'd'.repeat(MAX_TEXT_LENGTH + 1) },
      { id: 'c', name: 'C', sample_values: [{ date: '2024', value: '1e400' }] },
      { id: 'e', name: 'E', sample_values: Array.from({ length: MAX_SAMPLE_VALUES + 1 }, () => ({ date: '2024', value: 1 })) },
    ];
    const text = ndjson(...rows) + '{"id":"d","name":"D","sample_values":[{"date":"2024","value":1e400}]}\n';
    expect(outline(await readAll(await files.fixture('.ndjson', text)))).toEqual([
      '1 ok a',
      `line 2: description: longer than ${MAX_TEXT_LENGTH} characters (${MAX_TEXT_LENGTH + 1})`,
      'line 3: sample_values[0].value: not a finite number',
      `line 4: sample_values: more than ${MAX_SAMPLE_VALUES} sample values`,
      'line 5: sample_values[0].value: expected number or string or null: Infinity',
    ]);
  });

  it('dates are strict ISO forms or documented pseudo-dates', async () => {
    const row = { id: 'a', name: 'A', sample_values: [{ date: 'yesterday', value: 1 }, { date: '2024-1-5', value: 2 }, { date: 'last10YearsAvg', value: 3 }] };
    expect(outline(await readAll(await files.fixture('.ndjson', ndjson(row))))).toEqual([
      'line 1: sample_values[0].date: not a date, nor a pseudo-date such as last10YearsAvg: "yesterday"; ' +
        'sample_values[1].date: not a date in a known form (YYYY, YYYY-MM, YYYY-MM-DD, an ISO timestamp, YYYY-Qn, YYYY-Hn): "2024-1-5"',
    ]);
  });
});

describe('the CSV header', () => {
  it('without the required columns is one error naming what is missing and what was found, not one per row', async () => {
    const wrong = await readUntilError(await files.fixture('.csv', 'ident,title,units\na,A,%\nb,B,%\n'));
    expect(wrong.rows).toEqual([]);
    expect(wrong.error).toBeInstanceOf(CatalogSyntaxError);
    expect(wrong.error).toMatchObject({ line: 1, reason: 'the header lacks the required columns "id", "name" (found: "ident", "title", "units")' });

    const semicolons = await readUntilError(await files.fixture('.csv', '\n\nid;name\na;A\n'));
    expect(semicolons.error).toMatchObject({ line: 3, reason: 'the header lacks the required columns "id", "name" (found: "id;name")' });

    const noName = await readUntilError(await files.fixture('.csv', 'id,Name\na,A\n'));
    expect(noName.error).toMatchObject({ line: 1, reason: 'the header lacks the required column "name" (found: "id", "Name")' });
  });
});

describe('empty catalogs', () => {
  it.each([
    ['an empty file', '.ndjson', ''],
    ['blank lines', '.ndjson', '\n  \n\r\n'],
    ['an empty array', '.json', '[]'],
    ['an empty .json file', '.json', ''],
    ['a header only', '.csv', 'id,name,units\n'],
    ['an empty CSV file', '.csv', ''],
  ])('%s: read 0, not broken', async (_, extension, text) => {
    expect(await checkCatalog(await files.fixture(extension, text))).toEqual({ summary: { read: 0, accepted: 0, rejected: 0 }, broken: null });
  });
});

import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArrayScanner } from '../src/catalog/json-array.js';
import {
  CatalogSyntaxError,
  detectFormat,
  formatFromExtension,
  formatRejection,
  formatSummary,
  readCatalogWithSummary,
  type RejectedRow,
} from '../src/catalog/read.js';
import { ndjson, outline, readAll, readUntilError, rejected, useCatalogFiles } from './catalog-helpers.js';

const files = useCatalogFiles();
const fixture = files.fixture;

describe('format detection', () => {
  it('goes by extension', () => {
    expect(formatFromExtension('a/b.json')).toBe('json');
    expect(formatFromExtension('b.NDJSON')).toBe('ndjson');
    expect(formatFromExtension('b.jsonl')).toBe('ndjson');
    expect(formatFromExtension('b.csv')).toBe('csv');
    expect(formatFromExtension('b.txt')).toBeNull();
  });

  it('treats a .json file that does not start with "[" as NDJSON', async () => {
    expect(await detectFormat(await fixture('.json', '\n  [{"id":"a","name":"A"}]'))).toBe('json');
    expect(await detectFormat(await fixture('.json', '\uFEFF[]'))).toBe('json');
    const lines = await fixture('.json', ndjson({ id: 'a', name: 'A' }, { id: 'b', name: 'B' }));
    expect(await detectFormat(lines)).toBe('ndjson');
    expect(outline(await readAll(lines))).toEqual(['1 ok a', '2 ok b']);
  });

  it('takes an explicit format over the extension, and asks for one when the extension says nothing', async () => {
    const path = await fixture('.txt', 'id,name\na,A\n');
    expect(outline(await readAll(path, 'csv'))).toEqual(['2 ok a']);
    await expect(detectFormat(path)).rejects.toThrow(/cannot tell the catalog format/);
  });
});

describe('reading each format', () => {
  it('reads a pretty-printed JSON array with the line each element starts on', async () => {
    const text = JSON.stringify(
      [
        { id: 'gdp', name: 'GDP', units: 'USD Million', sample_values: [{ date: '2024-Q1', value: 1.5 }] },
        { id: 'cpi', name: 'CPI', units: '', description: '  ' },
        { id: 7, name: 'Numeric id' },
      ],
      null,
      2,
    );
    const rows = await readAll(await fixture('.json', text));
    expect(outline(rows)).toEqual(['2 ok gdp', '13 ok cpi', '19 ok 7']);
    const [gdp, cpi] = rows;
    expect(gdp?.kind === 'accepted' && gdp.indicator.sample_values).toEqual([{ date: '2024-Q1', value: 1.5 }]);
    expect(cpi?.kind === 'accepted' && [cpi.indicator.units, cpi.indicator.description, cpi.indicator.sample_values]).toEqual([
      null,
      null,
      [],
    ]);
  });

  it('reads a one-line JSON array, strings holding brackets, commas and escaped quotes included', async () => {
    const rows = [
      { id: 'a', name: 'Weird [name], with {braces}', units: 'say \\"hi\\"' },
      { id: 'b', name: '"quoted"\\', description: ']}' },
    ];
    const read = await readAll(await fixture('.json', JSON.stringify(rows)));
    expect(read.map((row) => row.kind === 'accepted' && row.indicator.name)).toEqual(['Weird [name], with {braces}', '"quoted"\\']);
    expect(read.map((row) => row.line)).toEqual([1, 1]);
  });

  it('reads an empty JSON array and tolerates a trailing comma', async () => {
    expect(await readAll(await fixture('.json', '[ ]'))).toEqual([]);
    expect(outline(await readAll(await fixture('.json', '[\n{"id":"a","name":"A"},\n]\n')))).toEqual(['2 ok a']);
  });

  it('reads NDJSON, skipping blank lines and counting file lines (CRLF too)', async () => {
    const text = '\uFEFF{"id":"a","name":"A"}\r\n\r\n   \r\n{"id":"b","name":"B","scale":"Millions"}\r\n{"id":"c","name":"C"}';
    const rows = await readAll(await fixture('.ndjson', text));
    expect(outline(rows)).toEqual(['1 ok a', '4 ok b', '5 ok c']);
  });

  it('reads CSV: quoted commas, a JSON sample_values column, empty cells as null, scale kept as text', async () => {
    const text = [
      'id,name,units,scale,currency_code,sample_values',
      'gdp,"GDP, current prices",USD Million,1000,USD,"[{""date"":""2024"",""value"":1.5},{""date"":""last10YearsAvg"",""value"":""2""}]"',
      'cpi,CPI,,,,',
      '',
      'pop,"Population, ""total""",persons,Millions,,[]',
    ].join('\n');
    const rows = await readAll(await fixture('.csv', text));
    expect(outline(rows)).toEqual(['2 ok gdp', '3 ok cpi', '5 ok pop']);
    const [gdp, cpi, pop] = rows.map((row) => (row.kind === 'accepted' ? row.indicator : null));
    expect(gdp).toMatchObject({
      name: 'GDP, current prices',
      units: 'USD Million',
      scale: '1000',
      currency_code: 'USD',
      sample_values: [
        { date: '2024', value: 1.5 },
        { date: 'last10YearsAvg', value: 2 },
      ],
    });
    expect(cpi).toMatchObject({ units: null, scale: null, currency_code: null, sample_values: [] });
    expect(pop?.name).toBe('Population, "total"');
  });

  it('gives CSV rows their first line, past quoted line breaks (CRLF too) and empty lines', async () => {
    const text = 'id,name,description\r\n\r\na,A,"one\r\ntwo\r\nthree"\r\nb,B,\r\n\r\n\r\nc,"C\nc",x\r\nd,D,\r\n';
    expect(outline(await readAll(await fixture('.csv', text)))).toEqual(['3 ok a', '6 ok b', '9 ok c', '11 ok d']);
  });
});

describe('rejecting invalid rows', () => {
  const good = (id: string): Record<string, unknown> => ({ id, name: `Indicator ${id}` });

  it('reports missing id and name, and the rest proceeds', async () => {
    const path = await fixture(
      '.ndjson',
      ndjson(good('a'), { name: 'No id' }, { id: '  ', name: 'Blank id' }, { id: 'c' }, { id: 'd', name: null }, { id: 'e', name: '' }, good('f')),
    );
    expect(outline(await readAll(path))).toEqual([
      '1 ok a',
      'line 2: id: missing id',
      'line 3: id: missing id',
      'line 4: name: missing name',
      'line 5: name: missing name',
      'line 6: name: missing name',
      '7 ok f',
    ]);
  });

  it('rejects the second and later occurrences of an id, naming the first line', async () => {
    const path = await fixture('.ndjson', ndjson(good('a'), good('b'), good('a'), { id: 'a ', name: 'again' }, { id: 5, name: 'n' }, { id: '5', name: 'n' }));
    const rows = await readAll(path);
    expect(outline(rows)).toEqual([
      '1 ok a',
      '2 ok b',
      'line 3: id: duplicate id "a" (first seen on line 1)',
      'line 4: id: duplicate id "a" (first seen on line 1)',
      '5 ok 5',
      'line 6: id: duplicate id "5" (first seen on line 5)',
    ]);
    expect(rejected(rows).map((row) => row.id)).toEqual(['a', 'a', '5']);
  });

  it('can allow repeated ids (labeled sets)', async () => {
    const path = await fixture('.ndjson', ndjson(good('a'), good('a')));
    const summary = await readCatalogWithSummary(path, { duplicateIds: 'allow' });
    expect(summary).toEqual({ read: 2, accepted: 2, rejected: 0 });
  });

  it('rejects unparseable values and dates that are not dates, with the field path', async () => {
    const row = {
      id: 'x',
      name: 'X',
      sample_values: [
        { date: '2024-01', value: 1 },
        { date: '2024-02', value: 'abc' },
        { date: '2024-13', value: 2 },
        { date: '31/12/2024', value: 3 },
        { date: 'last10YearsAvg', value: 4 },
        { value: 5 },
      ],
    };
    const rows = await readAll(await fixture('.ndjson', ndjson(good('a'), row, good('b'))));
    expect(outline(rows)).toEqual([
      '1 ok a',
      'line 2: sample_values[1].value: not a number: "abc"; sample_values[2].date: not a calendar date: "2024-13"; ' +
        'sample_values[3].date: not a date in a known form (YYYY, YYYY-MM, YYYY-MM-DD, an ISO timestamp, YYYY-Qn, YYYY-Hn): "31/12/2024"; ' +
        'sample_values[5].date: missing date',
      '3 ok b',
    ]);
    expect(rejected(rows)[0]?.problems.map((problem) => problem.field)).toEqual([
      'sample_values[1].value',
      'sample_values[2].date',
      'sample_values[3].date',
      'sample_values[5].date',
    ]);
    expect(rejected(rows)[0]?.id).toBe('x');
  });

  it('accepts pseudo-dates, numeric strings and null values', async () => {
    const row = {
      id: 'p',
      name: 'P',
      sample_values: [
        { date: 'last10YearsAvg', value: '1.5' },
        { date: 2020, value: null },
        { date: '2024-Q3', value: -2 },
      ],
    };
    const [read] = await readAll(await fixture('.ndjson', ndjson(row)));
    expect(read?.kind === 'accepted' && read.indicator.sample_values).toEqual([
      { date: 'last10YearsAvg', value: 1.5 },
      { date: '2020', value: null },
      { date: '2024-Q3', value: -2 },
    ]);
  });

  it('rejects a broken NDJSON line and a line that is not an object', async () => {
    const text = '{"id":"a","name":"A"}\n{"id":"b","name":\n[1,2]\n"text"\nnull\n{"id":"c","name":"C"}\n';
    const rows = await readAll(await fixture('.jsonl', text));
    expect(rows.map((row) => (row.kind === 'rejected' ? row.problems.map((p) => `${p.field}: ${p.reason.slice(0, 12)}`) : 'ok'))).toEqual([
      'ok',
      ['row: invalid JSON'],
      ['row: not an objec'],
      ['row: not an objec'],
      ['row: not an objec'],
      'ok',
    ]);
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects non-object elements and malformed elements of a JSON array, and carries on', async () => {
    const text = [
      '[',
      '  {"id": "a", "name": "A"},',
      '  42,',
      '  "text",',
      '  {"id": "b", "name": "B", "x": [1, 2}',
      '  ,{"id": "c", "name": "C"},',
      '  {"id": "d" "name": "D"},',
      '  ,',
      '  {',
      '    "id": "e",',
      '    "name": "unterminated,',
      '    "units": "%"',
      '  },',
      '  {"id": "f", "name": "F"}',
      ']',
    ].join('\n');
    const rows = await readAll(await fixture('.json', text));
    expect(rows.map((row) => `${row.line} ${row.kind === 'accepted' ? row.indicator.id : row.problems.map((p) => p.field).join()}`)).toEqual([
      '2 a',
      '3 row',
      '4 row',
      '5 row',
      '6 c',
      '7 row',
      '8 row',
      '9 row',
      '14 f',
    ]);
    expect(formatRejection(rejected(rows)[0] as RejectedRow)).toBe('line 3: row: not an object: 42');
    expect(rejected(rows)[4]?.problems[0]?.reason).toMatch(/^empty array element/);
  });

  it('stops with the line when the JSON array itself is broken, after yielding the rows before', async () => {
    const unclosed = await readUntilError(await fixture('.json', '[\n{"id":"a","name":"A"},\n{"id":"b","name":"B", "x": [\n{"id":"c","name":"C"}\n'));
    expect(outline(unclosed.rows)).toEqual(['2 ok a']);
    expect(unclosed.error).toBeInstanceOf(CatalogSyntaxError);
    expect(unclosed.error).toMatchObject({ line: 3 });

    const trailing = await readUntilError(await fixture('.json', '[{"id":"a","name":"A"}]\n\n{"id":"b"}'));
    expect(outline(trailing.rows)).toEqual(['1 ok a']);
    expect(trailing.error).toMatchObject({ line: 3, reason: expect.stringMatching(/after the end of the JSON array/) as unknown });

    const forcedJson = await readAll(await fixture('.ndjson', '\n{"id":"a","name":"A"}\n'), 'json').then(
      () => null,
      (error: unknown) => error,
    );
    expect(forcedJson).toMatchObject({ line: 2, reason: expect.stringMatching(/expected "\["/) as unknown });
  });

  it('rejects bad JSON in the CSV sample_values column but still reports the other fields', async () => {
    const text = 'id,name,sample_values\na,A,\nb,B,"[{""date"":""2024"",""value"":1}"\nc,,[oops\nd,D,"[{""date"":""2024-13"",""value"":""abc""}]"\ne,E,[]\n';
    const rows = await readAll(await fixture('.csv', text));
    expect(outline(rows).map((line) => line.replace(/invalid JSON: .*?(;|$)/, 'invalid JSON$1'))).toEqual([
      '2 ok a',
      'line 3: sample_values: invalid JSON',
      'line 4: sample_values: invalid JSON; name: missing name',
      'line 5: sample_values[0].date: not a calendar date: "2024-13"; sample_values[0].value: not a number: "abc"',
      '6 ok e',
    ]);
  });

  it('rejects a CSV row with the wrong number of fields', async () => {
    const rows = await readAll(await fixture('.csv', 'id,name,units\na,A,%\nb,B\nc,C,%,extra\nd,D,%\n'));
    expect(outline(rows)).toEqual([
      '2 ok a',
      'line 3: row: expected 3 fields as in the header, found 2',
      'line 4: row: expected 3 fields as in the header, found 4',
      '5 ok d',
    ]);
  });

  it('stops with the line on a CSV quoting error, and on a repeated header column', async () => {
    const bad = await readUntilError(await fixture('.csv', 'id,name\na,A\n\nb,"B"x\nc,C\n'));
    expect(outline(bad.rows)).toEqual(['2 ok a']);
    expect(bad.error).toBeInstanceOf(CatalogSyntaxError);
    expect(bad.error).toMatchObject({ line: 4 });

    const unclosed = await readUntilError(await fixture('.csv', 'id,name\na,A\nb,"B\nc,C\n'));
    expect(outline(unclosed.rows)).toEqual(['2 ok a']);
    expect(unclosed.error).toMatchObject({ line: 3, reason: expect.stringMatching(/Quote Not Closed/) as unknown });

    const repeated = await readUntilError(await fixture('.csv', 'id,name,id\na,A,b\n'));
    expect(repeated.error).toMatchObject({ line: 1, reason: 'the header repeats the column "id"' });
  });
});

it('passes on a missing file as an error', async () => {
  await expect(readAll(join(files.dir(), 'missing.csv'))).rejects.toThrow(/ENOENT/);
  await expect(readAll(join(files.dir(), 'missing.ndjson'))).rejects.toThrow(/ENOENT/);
});

describe('summary', () => {
  it('counts read, accepted and rejected rows and words them', async () => {
    const path = await fixture('.ndjson', ndjson({ id: 'a', name: 'A' }, { id: 'a', name: 'A' }, { name: 'B' }, { id: 'c', name: 'C' }));
    const seen: number[] = [];
    const summary = await readCatalogWithSummary(path, { onRow: (row) => void seen.push(row.line) });
    expect(summary).toEqual({ read: 4, accepted: 2, rejected: 2 });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(formatSummary(summary)).toBe('read 4 rows: 2 accepted, 2 rejected');
  });

  it('formats a rejection with line, field and reason', () => {
    const row: RejectedRow = {
      kind: 'rejected',
      line: 12,
      id: 'x',
      problems: [{ field: 'sample_values[2].date', reason: 'not a calendar date: "2024-13"' }],
    };
    expect(formatRejection(row)).toBe('line 12: sample_values[2].date: not a calendar date: "2024-13"');
  });
});

describe('the JSON array scanner', () => {
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { maxLength: 3 }))),
  );

  it('splits any array into its elements and lines, however the text is chunked', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 20 }), (elements, pretty, cuts) => {
        const texts = elements.map((element) => JSON.stringify(element, null, pretty ? 2 : undefined));
        const text = `[\n${texts.join(',\n')}\n]`;
        const expectedLines: number[] = [];
        let line = 2;
        for (const element of texts) {
          expectedLines.push(line);
          line += element.split('\n').length;
        }
        const scanner = new JsonArrayScanner();
        const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const scanned = [0, ...points].flatMap((start, index) => scanner.push(text.slice(start, points[index] ?? text.length)));
        scanner.end();
        expect(scanner.fault).toBeNull();
        expect(scanned.map((element) => JSON.parse(element.text) as unknown)).toEqual(elements);
        expect(scanned.map((element) => element.line)).toEqual(expectedLines);
      }),
    );
  });
});

describe('large and real catalogs', () => {
  it('streams a generated 100,000-row NDJSON file', async () => {
    const path = join(files.dir(), 'large.ndjson');
    const out = createWriteStream(path, 'utf8');
    for (let i = 0; i < 100_000; i += 1) {
      const row = i % 10_000 === 9_999 ? { id: `r${i}`, name: '' } : { id: `r${i}`, name: `Row ${i}`, units: '%', sample_values: [{ date: '2024-01', value: i }] };
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    let lastLine = 0;
    const summary = await readCatalogWithSummary(path, { onRow: (row) => void (lastLine = row.line) });
    expect(summary).toEqual({ read: 100_000, accepted: 99_990, rejected: 10 });
    expect(lastLine).toBe(100_000);
  });

  it('reads the labeled dev set: 110 rows, two of them repeated ids', async () => {
    const path = fileURLToPath(new URL('../data/labeled/dev.jsonl', import.meta.url));
    expect(await readCatalogWithSummary(path, { duplicateIds: 'allow' })).toEqual({ read: 110, accepted: 110, rejected: 0 });
    const rows = await readAll(path);
    expect(rows).toHaveLength(110);
    expect(rejected(rows).map((row) => row.problems.map((problem) => problem.field))).toEqual([['id'], ['id']]);
  });
});

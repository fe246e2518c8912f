/**
 * `classify validate`, `import` and `export` as a user runs them (the built command, a temporary data
 * directory): exit codes and messages for unclean catalogs, a closed pipe, progress lines.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startProgressLine } from '../src/cli/progress-line.js';
import { openDatabase } from '../src/db/connect.js';
import { saveRulesClassifications } from './db-helpers.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
/** Each command opens the embedded database; the first creates it (initdb). */
const SLOW = 180_000;

let dir = '';
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'classify-catalog-cli-'));
  env = { ...process.env, CLASSIFY_DATA_DIR: join(dir, 'data') };
  delete env.DATABASE_URL;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function classifyCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const row = (id: string, name = `Indicator ${id}`): string => JSON.stringify({ id, name, units: '%' });

describe('classify validate', () => {
  it('an empty catalog warns and exits 2, whatever its format', async () => {
    for (const [name, text] of [['empty.ndjson', ''], ['empty.json', '[]'], ['blank.ndjson', '\n\n'], ['header.csv', 'id,name\n']] as const) {
      const path = await file(name, text);
      expect(await classifyCli(['validate', path])).toEqual({ code: 2, stdout: `${path}: read 0 rows: 0 accepted, 0 rejected\n`, stderr: `warning: no indicators in ${path}\n` });
    }
  });

  it('a CSV header without id and name is one error and exit 1, not one rejection per row', async () => {
    const path = await file('wrong-header.csv', 'ident,title\na,A\nb,B\nc,C\n');
    const { code, stderr } = await classifyCli(['validate', path]);
    expect(code).toBe(1);
    expect(stderr).toBe(`classify: ${path}: line 1: the header lacks the required columns "id", "name" (found: "ident", "title") (reading stopped there: nothing after it was read)\n`);
  });

  it('a truncated file says where it stopped and exits 1; a surrogate and a NUL are rejected rows, as import will', async () => {
    const truncated = await file('truncated.json', `[\n${row('a')},\n{"id": "b", "name": "B`);
    const broken = await classifyCli(['validate', truncated]);
    expect(broken).toMatchObject({ code: 1, stdout: `${truncated}: read 1 row: 1 accepted, 0 rejected\n` });
    expect(broken.stderr).toMatch(/line 3: the file ends inside the array element starting on line 3 .*\(reading stopped there/);

    const bad = await file('bad.ndjson', `${row('a')}\n{"id":"b","name":"\\ud800"}\n{"id":"c","name":"C\\u0000"}\n`);
    const checked = await classifyCli(['validate', bad]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/^line 2: name: contains an unpaired UTF-16 surrogate .*\nline 3: name: contains a NUL character/);
  });
});

describe('classify import and export', () => {
  it(
    'a truncated file imports nothing without --partial; with it, the rows before the break, and says so',
    async () => {
      const path = await file('cut.csv', `id,name\na,A\nb,B\nc,"C\nd,D\n`);
      const refused = await classifyCli(['import', path]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/line 4: CSV syntax error: Quote Not Closed.*; nothing imported \(--partial imports the 2 valid rows before line 4\)\n$/);

      const partial = await classifyCli(['import', path, '--partial']);
      expect(partial.code).toBe(2);
      expect(partial.stdout).toMatch(/read 2 rows: 2 accepted, 0 rejected\nimported 2 indicators \(2 new, 0 changed, 0 unchanged\)/);
      expect(partial.stderr).toMatch(/^warning: .*: line 4: CSV syntax error: Quote Not Closed.*; imported only the 2 valid rows before line 4 \(--partial\)\n$/);

      const empty = await classifyCli(['import', await file('nothing.json', '[ ]')]);
      expect(empty).toMatchObject({ code: 2, stderr: expect.stringMatching(/^warning: no indicators in .*nothing\.json\n$/) as unknown });
    },
    SLOW,
  );

  it(
    'export into a pipe closed early (`classify export | head`) ends quietly with exit 0',
    async () => {
      const db = await openDatabase({ env: {}, dataDir: join(dir, 'data') });
      try {
        await saveRulesClassifications(db.pool);
      } finally {
        await db.close();
      }
      const child = spawn(process.execPath, [CLI, 'export'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader goes away before the first record: every write meets a closed pipe.
      child.stdout.destroy();
      const stderr: string[] = [];
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(stderr.join('')).toBe('');
      expect(code).toBe(0);
    },
    SLOW,
  );
});

describe('progress lines', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function recorder(isTTY: boolean): { isTTY: boolean; written: string[]; write: (text: string) => boolean } {
    const written: string[] = [];
    return { isTTY, written, write: (text) => written.push(text) > 0 };
  }

  it('say nothing for a quick operation, then a line every 5 s in a log', () => {
    vi.useFakeTimers();
    const stream = recorder(false);
    let rows = 0;
    const quick = startProgressLine(() => `rows ${rows}`, { stream });
    vi.advanceTimersByTime(1_500);
    quick.stop();
    expect(stream.written).toEqual([]);

    const slow = startProgressLine(() => `rows ${rows}`, { stream });
    rows = 10;
    vi.advanceTimersByTime(5_000);
    rows = 20;
    vi.advanceTimersByTime(5_000);
    slow.stop();
    vi.advanceTimersByTime(20_000);
    expect(stream.written).toEqual(['rows 10\n', 'rows 20\n']);
  });

  it('rewrite one line on a terminal after 2 s, and clear it at the end', () => {
    vi.useFakeTimers();
    const stream = recorder(true);
    const line = startProgressLine(() => 'working', { stream });
    vi.advanceTimersByTime(3_000);
    line.stop();
    line.stop();
    expect(stream.written).toEqual(['\rworking\x1b[K', '\rworking\x1b[K', '\r\x1b[K']);
  });
});

/**
 * `classify import` and `classify export` as commands (run in this process through Commander, on
 * the embedded database of a temporary CLASSIFY_DATA_DIR), and concurrent migration of a fresh
 * database on each backend.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerExport } from '../src/cli/export.js';
import { registerImport } from '../src/cli/import.js';
import { openDatabase } from '../src/db/connect.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { BACKENDS, saveRulesClassifications, setUp } from './db-helpers.js';

const SLOW = 180_000;
let dir = '';
const saved = { dataDir: process.env.CLASSIFY_DATA_DIR, databaseUrl: process.env.DATABASE_URL };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'classify-db-cli-'));
  process.env.CLASSIFY_DATA_DIR = join(dir, 'data');
  delete process.env.DATABASE_URL;
});

afterAll(async () => {
  if (saved.dataDir === undefined) delete process.env.CLASSIFY_DATA_DIR;
  else process.env.CLASSIFY_DATA_DIR = saved.dataDir;
  if (saved.databaseUrl !== undefined) process.env.DATABASE_URL = saved.databaseUrl;
  await rm(dir, { recursive: true, force: true });
});

/** Runs `classify ARGS` in this process; returns what it printed and the exit code it set. */
async function classifyCommand(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command().exitOverride();
  registerImport(program);
  registerExport(program);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = 0;
  return { stdout: out.join(''), stderr: err.join(''), exitCode };
}

describe('classify import / export', () => {
  it('imports a catalog, reports rejected rows, and exports the classifications', async () => {
    const catalog = join(dir, 'catalog.ndjson');
    const rows = [
      { id: 'gdp', name: 'GDP Growth Rate', units: '%', periodicity: 'Quarterly' },
      { id: 'bad' },
      { id: 'exp', name: 'Exports', units: 'USD Million' },
    ];
    await writeFile(catalog, rows.map((row) => JSON.stringify(row)).join('\n'));

    const first = await classifyCommand(['import', catalog]);
    expect(first.stderr).toBe(`line 2: name: missing name\nwarning: ${catalog}: 1 row rejected, each reported with its line and reason; the valid rows were imported\n`);
    expect(first.stdout).toContain('read 3 rows: 2 accepted, 1 rejected');
    expect(first.stdout).toMatch(/imported 2 indicators \(2 new, 0 changed, 0 unchanged\)/);
    expect(first.exitCode).toBe(2);
    expect((await classifyCommand(['import', catalog])).stdout).toMatch(/\(0 new, 0 changed, 2 unchanged\)/);

    // Classify what was imported, as the workflow would, then export it.
    const db = await openDatabase();
    try {
      await saveRulesClassifications(db.pool);
    } finally {
      await db.close();
    }
    const out = join(dir, 'out.csv');
    const exported = await classifyCommand(['export', '--out', out]);
    expect(exported.stdout).toBe(`exported 2 classifications to ${out} (csv)\n`);
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^exp,Exports,USD Million,/);
  }, SLOW);
});

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`migrating a fresh database on ${name}`, () => {
    it('two opens at once apply each migration once', async () => {
      const backend = await setUp(name);
      try {
        const [a, b] = await Promise.all([backend.open(), backend.open()]);
        const { rows } = await a.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
        await Promise.all([a.close(), b.close()]);
      } finally {
        await backend.tearDown();
      }
    }, SLOW);
  });
}

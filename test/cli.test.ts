import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const DEV = join(ROOT, 'data/labeled/dev.jsonl');
const TUNE = join(ROOT, 'data/labeled/holdout-tune.jsonl');

/** Runs the built `classify` command as a user would; never throws, returns the exit code. */
async function classify(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'classify-cli-'));
});

describe('classify eval', () => {
  it('--json prints exactly one JSON object with a score per field', async () => {
    const { code, stdout } = await classify(['eval', '--labels', DEV, '--json']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as { total: number; fields: Record<string, { agree: number; total: number; rate: number }> };
    expect(report.total).toBe(110);
    expect(Object.keys(report.fields)).toEqual(['family', 'type', 'temporal_aggregation', 'is_currency_denominated', 'orientation']);
    for (const score of Object.values(report.fields)) {
      expect(score.rate).toBeCloseTo(score.agree / score.total, 10);
      expect(score.rate).toBeGreaterThanOrEqual(0);
      expect(score.rate).toBeLessThanOrEqual(1);
    }
  });

  it('--json carries the calibration block per field, consistent with the agreement and the threshold', async () => {
    // Two files as one set; the holdout's rows label their frequency too.
    const { code, stdout } = await classify(['eval', '--labels', DEV, '--labels', TUNE, '--json', '--threshold', '0.9']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      threshold: number;
      fields: Record<string, { agree: number; total: number }>;
      calibration: Record<string, { ece: number; router_recall: number | null; router_load: number; wrong: number; bins: { count: number; agreement: number; mean_confidence: number }[] }>;
    };
    expect(report.threshold).toBe(0.9);
    // Every labeled field, the time basis the labeled temporal aggregation implies and the labeled frequency (no fields of their own).
    expect(Object.keys(report.calibration)).toEqual([...Object.keys(report.fields), 'time_basis', 'reporting_frequency']);
    expect(report.fields.family?.total).toBe(110 + 96);
    for (const [field, c] of Object.entries(report.calibration)) {
      const answers = c.bins.reduce((sum, b) => sum + b.count, 0);
      const agreeing = c.bins.reduce((sum, b) => sum + Math.round(b.agreement * b.count), 0);
      const score = report.fields[field] ?? (field === 'time_basis' || field === 'reporting_frequency' ? { total: answers, agree: agreeing } : undefined);
      if (score === undefined) throw new Error(`no score for ${field}`);
      expect(answers).toBe(score.total);
      // The bins' agreements add up to the field's agreement: the table is the same answers, binned.
      expect(c.bins.reduce((sum, b) => sum + Math.round(b.agreement * b.count), 0)).toBe(score.agree);
      expect(c.wrong).toBe(score.total - score.agree);
      expect(c.ece).toBeGreaterThanOrEqual(0);
      expect(c.ece).toBeLessThanOrEqual(1);
      expect(c.router_load).toBeGreaterThanOrEqual(0);
      expect(c.router_load).toBeLessThanOrEqual(1);
      if (c.wrong === 0) expect(c.router_recall).toBeNull();
    }
    const { stdout: none } = await classify(['eval', '--labels', DEV, '--json', '--threshold', '0']);
    const atZero = JSON.parse(none) as { calibration: Record<string, { router_load: number }> };
    for (const c of Object.values(atZero.calibration)) expect(c.router_load).toBe(0);
  });

  it('--folds k adds out-of-fold router figures from thresholds chosen on the other folds', async () => {
    const { code, stdout } = await classify(['eval', '--labels', DEV, '--json', '--folds', '5']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      fields: Record<string, { agree: number; total: number }>;
      cross_validation: { k: number; thresholds: number[]; fields: Record<string, { router_load: number; wrong: number }> };
    };
    expect(report.cross_validation.k).toBe(5);
    expect(report.cross_validation.thresholds).toHaveLength(5);
    for (const [field, f] of Object.entries(report.cross_validation.fields)) {
      const score = report.fields[field];
      // The time basis and the frequency have no labeled field: their wrong answers are counted in the calibration block.
      if (score === undefined) expect(['time_basis', 'reporting_frequency']).toContain(field);
      else expect(f.wrong).toBe(score.total - score.agree);
    }
    expect((await classify(['eval', '--labels', DEV, '--folds', '1'])).code).not.toBe(0);
  });

  it('prints agreement, confusions and disagreements for people', async () => {
    const { code, stdout } = await classify(['eval', '--labels', DEV]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Agreement per field:/);
    expect(stdout).toMatch(/Calibration \(hybrid threshold 0\.\d+/);
    expect(stdout).toMatch(/Reliability \(confidence bin/);
    expect(stdout).toMatch(/Most frequent confusions/);
    expect(stdout).toMatch(/Disagreements \(\d+\):/);
  });

  it('names the file and line of a broken label file', async () => {
    const bad = join(dir, 'bad-labels.jsonl');
    await writeFile(bad, `${(await readFile(DEV, 'utf8')).split('\n')[0] ?? ''}\n{"id": "x"}\n`);
    const { code, stderr } = await classify(['eval', '--labels', bad]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad-labels\.jsonl:2: /);
  });
});

describe('classify validate and classify rules', () => {
  const catalog = [
    JSON.stringify({ id: 'a', name: 'Unemployment Rate', units: '%', periodicity: 'Monthly' }),
    JSON.stringify({ id: 'b', units: '%' }),
    JSON.stringify({ id: 'a', name: 'Duplicate' }),
    JSON.stringify({ id: 'c', name: 'GDP', units: 'USD Million', sample_values: [{ date: '2024-13', value: 1 }] }),
    JSON.stringify({ id: 'd', name: 'Exports', units: 'EUR Million', sample_values: [{ date: '2024-01', value: 'abc' }] }),
    JSON.stringify({ id: 'e', name: 'Inflation Rate', units: '%' }),
  ].join('\n');

  it('validate reports every bad row with line and reason, and exits 2', async () => {
    const file = join(dir, 'catalog.ndjson');
    await writeFile(file, catalog);
    const { code, stdout, stderr } = await classify(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/read 6 rows: 2 accepted, 4 rejected/);
    expect(stderr).toMatch(/line 2: name: missing name/);
    expect(stderr).toMatch(/line 3: id: duplicate id "a" \(first seen on line 1\)/);
    expect(stderr).toMatch(/line 4: sample_values\[0\]\.date: .*"2024-13"/);
    expect(stderr).toMatch(/line 5: sample_values\[0\]\.value: /);
  });

  it('rules classifies the good rows and reports the bad ones', async () => {
    const file = join(dir, 'catalog2.ndjson');
    const out = join(dir, 'out.ndjson');
    await writeFile(file, catalog);
    const { code, stderr } = await classify(['rules', file, '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/2 accepted, 4 rejected/);
    const rows = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { indicator_id: string; family: { family: string } });
    expect(rows.map((row) => row.indicator_id)).toEqual(['a', 'e']);
    expect(rows.map((row) => row.family.family)).toEqual(['numeric-measurement', 'change-movement']);
  });
});

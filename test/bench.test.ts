/**
 * `classify bench --quick` as a user runs it: the built command (run `npm run build` first), which
 * starts its own database daemon, restate-server, LLM simulator and service endpoint per phase.
 * Checks the report's shape, that each phase's counts are the database's (read back by
 * `classify status` on the kept phase directory), and that nothing is left running. No assertion
 * on speed: the figures depend on the machine.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classify, createScenario, destroyScenario, explain, processesMentioning, removeRoot, statusJson, type Scenario } from './e2e-helpers.js';

const PerMinute = z.object({ mean: z.number(), max: z.number() });
const Memory = z.object({
  processes: z.record(z.string(), z.object({ pid: z.number().int(), peak_rss_mib: z.number().positive(), hwm_mib: z.number().positive(), samples: z.number().int().positive() })),
  system_peak_rss_mib: z.number().positive(),
  interval_ms: z.number().int(),
});
const ClassifyRun = z.object({
  run_id: z.string(),
  mode: z.string(),
  target_ipm: z.number().nullable(),
  count: z.number().int(),
  status: z.literal('completed'),
  planned: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  actual_ipm: z.number().positive(),
  overall_ipm: z.number().positive(),
  efficiency: z.number().nullable(),
  steady_window_s: z.number().positive(),
  latency_ms: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
  llm_rpm: PerMinute,
  llm_tpm: PerMinute,
  database: z.object({ classifications: z.number().int(), failures: z.number().int() }),
  counts_match: z.literal(true),
  memory: Memory,
  data_dir: z.string(),
});
const Report = z.object({
  bench: z.literal('system'),
  machine: z.object({ cpu: z.string(), cores: z.number().int().positive(), memory_gib: z.number().positive(), node: z.string(), os: z.string() }),
  code: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  llm_simulator: z.object({ distribution: z.literal('lognormal'), median_ms: z.number(), p99_ms: z.number() }),
  efficiency: z.array(ClassifyRun.extend({ simulator: z.object({ requests: z.number().int(), latency_ms: z.object({ p50: z.number(), p99: z.number() }).nullable() }) })),
  ceiling: ClassifyRun.extend({ journaled_steps: z.number().int().positive() }),
  bare: z.object({ status: z.literal('completed'), steps: z.number().int(), completed: z.number().int(), actual_ipm: z.number().positive(), counts_match: z.literal(true), memory: Memory }),
  ceiling_ratio: z.number().positive(),
  scale: ClassifyRun.extend({
    tenths: z.object({ ipm: z.array(z.number()).length(10), last_to_second: z.number().nullable(), flat: z.boolean().nullable() }),
    runner_rss_mib_by_tenth: z.array(z.number()),
    runner_rss_mib: z.array(z.object({ t_s: z.number(), rss_mib: z.number() })).min(2),
  }),
  peak_rss_mib: z.object({ engine: z.number(), endpoint: z.number(), database: z.number(), runner: z.number(), simulator: z.number(), system: z.number() }),
  error: z.null(),
});

const TIMEOUT_MS = 900_000;

let root = '';
let scenario: Scenario;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-bench-'));
  scenario = await createScenario(root, 'pglite');
});

afterAll(async () => {
  await destroyScenario(scenario);
  expect(await removeRoot(root)).toEqual([]);
}, 120_000);

describe('classify bench --quick', () => {
  it('runs every phase on a stack of its own and reports what the databases hold', async () => {
    const work = join(scenario.dataDir, 'work');
    const out = join(scenario.dataDir, 'bench.json');
    const result = await classify(scenario, ['bench', '--quick', '--keep', '--work-dir', work, '--out', out], TIMEOUT_MS);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout).toContain('ceiling_ratio');
    const report = Report.parse(JSON.parse(await readFile(out, 'utf8')));

    expect(report.efficiency.map((run) => `${run.mode}@${String(run.target_ipm)}`)).toEqual(['hybrid@1200', 'llm@1200']);
    for (const run of [...report.efficiency, report.ceiling, report.scale]) {
      expect(run.completed).toBe(run.count);
      expect(run.database.classifications).toBe(run.completed);
      expect(run.memory.processes).toHaveProperty('runner');
    }
    for (const run of report.efficiency) {
      expect(run.efficiency).toBeCloseTo((run.actual_ipm) / (run.target_ipm ?? 1), 3);
      expect(run.simulator.requests).toBeGreaterThan(0);
      expect(run.memory.processes).toHaveProperty('simulator');
    }
    expect(report.bare.completed).toBe(report.ceiling.count);
    // The bare workflow journals as many steps as ours did, counted in the ceiling's engine.
    expect(report.bare.steps).toBe(report.ceiling.journaled_steps);

    // The counts once more, read by another path: `classify status` on the kept phase directories.
    for (const run of [report.efficiency[0], report.ceiling]) {
      if (run === undefined) continue;
      const status = await statusJson({ ...scenario, env: { ...scenario.env, CLASSIFY_DATA_DIR: run.data_dir } });
      expect(status.rows?.classifications).toBe(run.completed);
      expect(status.latestRun?.id).toBe(run.run_id);
      expect(status.latestRun?.completed).toBe(run.completed);
    }
    // Every engine, database daemon and endpoint of the phases stopped.
    expect(await processesMentioning(work)).toEqual([]);
  }, TIMEOUT_MS);

  it('keeps `bench rules` working', async () => {
    const out = join(scenario.dataDir, 'rules.json');
    const result = await classify(scenario, ['bench', 'rules', '--count', '300', '--out', out]);
    expect(result.code, explain(result)).toBe(0);
    const report = z.object({ bench: z.literal('rules'), indicators: z.literal(300), indicators_per_second: z.number().positive() }).parse(JSON.parse(await readFile(out, 'utf8')));
    expect(report.indicators).toBe(300);
  });
});

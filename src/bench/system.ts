/**
 * `classify bench`: every phase in turn, each on a fresh stack (phase.ts), the report rewritten
 * after each phase so that a long bench that stops part way still leaves what it measured.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_MAX_IN_FLIGHT } from '../runner/run.js';
import { bareRun, type BareResult } from './bare-run.js';
import { CLASSIFY_JOURNALED_STEPS } from './bare-workflow.js';
import { ceilingRun, efficiencyRun, scaleRun, type ClassifyRunResult, type ScaleResult } from './classify-runs.js';
import { BENCH_LATENCY, lognormalLatency } from './latency.js';
import { machineInfo, round } from './machine.js';
import type { PhaseContext } from './phase.js';
import { createDatabaseTemplate } from './template.js';
import { codeVersion } from './version.js';
import { DEFINITIONS, peakRss, type BenchReport } from './report.js';
import { countForTarget, type BenchSettings } from './settings.js';

export interface BenchOptions {
  readonly settings: BenchSettings;
  /** Journaled steps of the bare workflow; default: as many as the ceiling run's workflows made (journal.ts). */
  readonly bareSteps?: number | undefined;
  /** The JSON report. */
  readonly out: string;
  /** Where the phases' data directories go (default: a new temporary directory, removed at the end unless kept). */
  readonly workDir?: string | undefined;
  readonly command: string;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { settings } = options;
  const started = Date.now();
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'classify-bench-')));
  await mkdir(workDir, { recursive: true });
  const latency = lognormalLatency(BENCH_LATENCY);
  // Read once, at the start: the load average and free memory are those the bench began with.
  const machine = machineInfo();
  const code = codeVersion();
  const efficiency: ClassifyRunResult[] = [];
  let ceiling: ClassifyRunResult | null = null;
  let bare: BareResult | null = null;
  let scale: ScaleResult | null = null;
  let error: string | null = null;
  let bareSteps: number = options.bareSteps ?? CLASSIFY_JOURNALED_STEPS;
  const build = (finished: boolean): BenchReport => {
    const ran = [...efficiency, ...(ceiling === null ? [] : [ceiling]), ...(bare === null ? [] : [bare]), ...(scale === null ? [] : [scale])];
    return {
      bench: 'system',
      command: options.command,
      started_at: new Date(started).toISOString(),
      finished_at: finished ? new Date().toISOString() : null,
      duration_s: finished ? round((Date.now() - started) / 1000, 1) : null,
      machine,
      code,
      settings: { ...settings, bare_steps: bareSteps, max_in_flight: DEFAULT_MAX_IN_FLIGHT },
      llm_simulator: { distribution: 'lognormal', latency_ms: latency.meanMs, latency_jitter_ms: latency.jitterMs, median_ms: latency.medianMs, p99_ms: latency.p99Ms, sigma: latency.sigma },
      definitions: DEFINITIONS,
      efficiency,
      ceiling,
      bare,
      ceiling_ratio: ratio(ceiling?.actual_ipm, bare?.actual_ipm),
      ceiling_ratio_overall: ratio(ceiling?.overall_ipm, bare?.overall_ipm),
      scale,
      peak_rss_mib: peakRss(ran),
      skipped: settings.skip,
      error,
    };
  };
  const save = async (finished: boolean): Promise<BenchReport> => {
    const report = build(finished);
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  };
  const runs = (phase: BenchSettings['skip'][number]): boolean => !settings.skip.includes(phase) && !options.signal.aborted;
  options.log(`bench: phases in ${workDir}; report ${options.out}`);
  try {
    options.log('bench: creating the embedded database once (each phase starts from a copy)');
    const pgdataTemplate = await createDatabaseTemplate(join(workDir, 'template'));
    const context: PhaseContext = { workDir, seed: settings.seed, keep: settings.keep, pgdataTemplate, log: options.log, signal: options.signal };
    if (runs('efficiency')) {
      for (const target of settings.targets) {
        for (const mode of settings.modes) {
          if (options.signal.aborted) break;
          efficiency.push(await efficiencyRun(context, mode, target, countForTarget(target, settings.steadyMinutes), latency));
          await save(false);
        }
      }
    }
    if (runs('ceiling')) {
      ceiling = await ceilingRun(context, settings.ceilingCount);
      await save(false);
    }
    if (runs('bare')) {
      // Counted on our workflow when the ceiling ran: the bare one then journals exactly as many steps.
      bareSteps = options.bareSteps ?? ceiling?.journaled_steps ?? CLASSIFY_JOURNALED_STEPS;
      bare = await bareRun(context, settings.ceilingCount, bareSteps);
      await save(false);
    }
    if (runs('scale')) {
      scale = await scaleRun(context, settings.scaleCount);
      await save(false);
    }
    if (options.signal.aborted) error = 'interrupted (SIGINT/SIGTERM)';
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    options.log(`bench: ${error}`);
  } finally {
    if (ownWorkDir && !settings.keep) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    else if (!settings.keep) await rm(join(workDir, 'template'), { recursive: true, force: true }).catch(() => undefined);
  }
  return await save(true);
}

function ratio(ours: number | null | undefined, bare: number | null | undefined): number | null {
  if (ours === null || ours === undefined || bare === null || bare === undefined || bare <= 0) return null;
  return round(ours / bare, 4);
}

/**
 * The phases that run our own system through `classify run`: the efficiency runs (paced, hybrid
 * and llm against the simulator), the ceiling (unpaced, rules) and the scale run (rules, a large
 * catalog, its completion rate per tenth and the runner's memory over time).
 */
import { join } from 'node:path';
import { databaseDaemonStatus } from '../db/daemon.js';
import { runRows } from './database.js';
import { journaledSteps } from './journal.js';
import type { SimLatency } from './latency.js';
import { loadAverage, round } from './machine.js';
import { runPhase, type PhaseContext, type PhaseRun } from './phase.js';
import { thin, type PhaseMemory, type RssSample } from './rss.js';
import { readRunReport, type RunReportFields } from './run-report.js';
import type { BenchMode } from './settings.js';
import { readSimLog, type SimulatorSeen } from './sim-log.js';
import { completionTenths, rssTenths, steadyWindowSeconds, type TenthsReport } from './tenths.js';

/** A run that stops moving for this long ends (the runner's own stall watch) instead of hanging the bench. */
const STALL_TIMEOUT_S = 180;

export interface ClassifyRunResult {
  readonly run_id: string;
  readonly mode: string;
  readonly target_ipm: number | null;
  readonly count: number;
  readonly status: string;
  readonly stop_reason: string | null;
  readonly planned: number;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly unfinished: number;
  readonly duration_s: number;
  readonly overall_ipm: number;
  readonly actual_ipm: number | null;
  readonly efficiency: number | null;
  readonly steady_window_s: number | null;
  readonly latency_ms: RunReportFields['latency_ms'];
  readonly llm_rpm: RunReportFields['llm_rpm'];
  readonly llm_tpm: RunReportFields['llm_tpm'];
  readonly llm_requests: number;
  readonly requests_per_indicator: number | null;
  readonly cache_hits: number;
  readonly llm_fallback_fields: number;
  readonly cost_usd: number;
  /** What the phase's database holds for the run, read by the bench after it ended. */
  readonly database: { readonly classifications: number; readonly failures: number };
  /** database.classifications = completed and database.failures = failed. */
  readonly counts_match: boolean;
  readonly simulator: SimulatorSeen | null;
  /** `ctx.run` steps per workflow, read from the engine's journal (the ceiling run only; else null). */
  readonly journaled_steps: number | null;
  readonly memory: PhaseMemory;
  /** The machine's 1/5/15-minute load averages as the run ended: others' work on it shows here. */
  readonly load_average: readonly number[];
  readonly data_dir: string;
}

export interface ScaleResult extends ClassifyRunResult {
  readonly tenths: TenthsReport;
  /** The runner's most RSS in each tenth of the run's time (MiB). */
  readonly runner_rss_mib_by_tenth: readonly number[];
  /** The runner's RSS over time, at most 100 samples. */
  readonly runner_rss_mib: readonly RssSample[];
}

interface RunSpec {
  readonly name: string;
  readonly mode: BenchMode | 'rules';
  readonly count: number;
  readonly ipm: number | null;
  readonly llm: SimLatency | null;
  /** Count the workflow's journaled steps in the engine before it stops. */
  readonly countSteps?: boolean;
}

export function efficiencyRun(context: PhaseContext, mode: BenchMode, target: number, count: number, latency: SimLatency): Promise<ClassifyRunResult> {
  return classifyRun(context, { name: `efficiency-${mode}-${target}`, mode, count, ipm: target, llm: latency }).then(({ result }) => result);
}

export function ceilingRun(context: PhaseContext, count: number): Promise<ClassifyRunResult> {
  return classifyRun(context, { name: 'ceiling', mode: 'rules', count, ipm: null, llm: null, countSteps: true }).then(({ result }) => result);
}

export async function scaleRun(context: PhaseContext, count: number): Promise<ScaleResult> {
  const { result, savedAt, series } = await classifyRun(context, { name: 'scale', mode: 'rules', count, ipm: null, llm: null });
  return { ...result, tenths: completionTenths(savedAt), runner_rss_mib_by_tenth: rssTenths(series), runner_rss_mib: thin(series, 100) };
}

async function classifyRun(context: PhaseContext, spec: RunSpec): Promise<{ result: ClassifyRunResult; savedAt: number[]; series: readonly RssSample[] }> {
  const reportFile = (phase: PhaseRun): string => join(phase.stack.dataDir, 'run-report.json');
  const outcome = await runPhase(context, { name: spec.name, llm: spec.llm, catalogCount: spec.count }, async (phase) => {
    const args = ['run', '--catalog', phase.catalog, '--mode', spec.mode, '--endpoint-url', phase.stack.endpoint.url];
    args.push('--report', reportFile(phase), '--stall-timeout', String(STALL_TIMEOUT_S));
    if (spec.ipm !== null) args.push('--ipm', String(spec.ipm));
    context.log(`${spec.name}: ${spec.count} indicators, ${spec.mode} mode, ${spec.ipm === null ? 'unpaced' : `--ipm ${spec.ipm}`}`);
    const exit = await phase.runner(args);
    const report = await readRunReport(reportFile(phase)).catch((error: unknown) => {
      throw new Error(`${spec.name}: the run exited (${exit.signal ?? `code ${exit.code ?? '?'}`}) without a report (${String(error)}); see ${join(phase.stack.dataDir, 'logs', 'runner.out')}`);
    });
    // Read while the daemon still serves the database (the stack stops after this body).
    const served = await databaseDaemonStatus(phase.stack.dataDir);
    if (served === null) throw new Error(`${spec.name}: the database daemon is gone`);
    const rows = await runRows(served.url, report.run_id);
    const simulator = phase.stack.simulator === null ? null : await readSimLog(phase.stack.simulator.logFile);
    const steps = spec.countSteps === true ? await journaledSteps(phase.stack.engine.adminUrl) : null;
    return { report, rows, simulator, steps };
  });
  const { report, rows, simulator, steps } = outcome.result;
  context.log(
    `${spec.name}: ${report.status}, ${report.completed} of ${report.planned} in ${report.duration_s.toFixed(1)} s, ` +
      `steady ${report.actual_ipm === null ? 'n/a' : report.actual_ipm.toFixed(0)}/min` +
      (report.efficiency === null ? '' : ` (efficiency ${report.efficiency.toFixed(3)})`) +
      (report.llm_requests > 0 ? `, LLM ${report.llm_requests} requests` : ''),
  );
  const result: ClassifyRunResult = {
    run_id: report.run_id,
    mode: report.mode,
    target_ipm: report.target_ipm,
    count: spec.count,
    status: report.status,
    stop_reason: report.stop_reason,
    planned: report.planned,
    submitted: report.submitted,
    completed: report.completed,
    failed: report.failed,
    unfinished: report.unfinished,
    duration_s: report.duration_s,
    overall_ipm: round(report.overall_ipm, 1),
    actual_ipm: report.actual_ipm === null ? null : round(report.actual_ipm, 1),
    efficiency: report.efficiency === null ? null : round(report.efficiency, 4),
    steady_window_s: steadyWindowSeconds(rows.savedAt),
    latency_ms: report.latency_ms,
    llm_rpm: { mean: round(report.llm_rpm.mean, 1), max: report.llm_rpm.max },
    llm_tpm: { mean: round(report.llm_tpm.mean, 0), max: report.llm_tpm.max },
    llm_requests: report.llm_requests,
    requests_per_indicator: report.requests_per_indicator === null ? null : round(report.requests_per_indicator, 4),
    cache_hits: report.cache_hits,
    llm_fallback_fields: report.llm_fallback_fields,
    cost_usd: round(report.cost_usd, 4),
    database: { classifications: rows.classifications, failures: rows.failures },
    counts_match: rows.classifications === report.completed && rows.failures === report.failed,
    simulator,
    journaled_steps: steps,
    memory: outcome.memory,
    load_average: loadAverage(),
    data_dir: outcome.dataDir,
  };
  return { result, savedAt: rows.savedAt, series: outcome.runnerSeries };
}

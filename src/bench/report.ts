/** The report `classify bench` writes: the machine, the settings, and what each phase measured. */
import type { BareResult } from './bare-run.js';
import type { ClassifyRunResult, ScaleResult } from './classify-runs.js';
import type { MachineInfo } from './machine.js';
import type { CodeVersion } from './version.js';
import { PROCESS_ROLES, type ProcessRole } from './rss.js';
import type { BenchSettings, Phase } from './settings.js';

export interface BenchReport {
  readonly bench: 'system';
  readonly command: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_s: number | null;
  readonly machine: MachineInfo;
  readonly code: CodeVersion;
  readonly settings: BenchSettings & { readonly bare_steps: number; readonly max_in_flight: number };
  readonly llm_simulator: {
    readonly distribution: 'lognormal';
    /** `--latency-ms` and `--latency-jitter-ms` of `classify llm-sim` (its mean and standard deviation). */
    readonly latency_ms: number;
    readonly latency_jitter_ms: number;
    readonly median_ms: number;
    readonly p99_ms: number;
    readonly sigma: number;
  };
  readonly definitions: Record<string, string>;
  readonly efficiency: ClassifyRunResult[];
  readonly ceiling: ClassifyRunResult | null;
  readonly bare: BareResult | null;
  /** Our ceiling's steady rate ÷ the bare workflow's (actual_ipm); null without both. */
  readonly ceiling_ratio: number | null;
  /** The same over the whole runs (overall_ipm). */
  readonly ceiling_ratio_overall: number | null;
  readonly scale: ScaleResult | null;
  /** Each process's most RSS over every phase (MiB), and the most engine + endpoint + database held at once. */
  readonly peak_rss_mib: Partial<Record<ProcessRole | 'system', number>>;
  readonly skipped: readonly Phase[];
  /** Why the bench stopped early (an error, an interrupt); null when every phase ran. */
  readonly error: string | null;
}

export const DEFINITIONS: Record<string, string> = {
  steady_window:
    "the run's completions sorted by save time; the first 10 % are the ramp-up, the last 10 % the drain; the steady window runs from the completion at the 10 % mark to the one at the 90 % mark (src/runner/metrics.ts)",
  actual_ipm: 'completions per minute over the steady window (from the run report)',
  overall_ipm: 'completions per minute over the whole run, first submission to the last completion seen',
  efficiency: 'actual_ipm / target_ipm',
  steady_window_s: "the steady window's length in seconds, from the save times in the phase's database",
  counts_match: "the run report's completed and failed equal the rows the phase's database holds for that run",
  peak_rss_mib: 'the most VmRSS seen polling /proc/<pid>/status every 500 ms while the phase ran (after start-up)',
  hwm_mib: "VmHWM: the process's own peak since it started, start-up included (the database daemon's includes creating PGlite)",
  system_peak_rss_mib: 'the most engine + endpoint + database held at one sample',
  ceiling_ratio: "the ceiling's actual_ipm / the bare workflow's actual_ipm",
  tenths: "the scale run's completions cut into ten equal shares by save time; each tenth's completions per minute; flat: the last tenth ≥ 0.9 × the second",
};

/** The most of each process over the phases' memory figures. */
export function peakRss(results: readonly { memory: { processes: Partial<Record<ProcessRole, { peak_rss_mib: number }>>; system_peak_rss_mib: number | null } }[]): BenchReport['peak_rss_mib'] {
  const peaks: Partial<Record<ProcessRole | 'system', number>> = {};
  for (const { memory } of results) {
    for (const role of PROCESS_ROLES) {
      const peak = memory.processes[role]?.peak_rss_mib;
      if (peak !== undefined) peaks[role] = Math.max(peaks[role] ?? 0, peak);
    }
    if (memory.system_peak_rss_mib !== null) peaks.system = Math.max(peaks.system ?? 0, memory.system_peak_rss_mib);
  }
  return peaks;
}

/** A short table for the terminal; the JSON file has everything. */
export function formatBenchReport(report: BenchReport): string {
  const lines = [`machine: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memory_gib} GiB, node ${report.machine.node}, ${report.machine.os}`];
  lines.push(`LLM simulator: lognormal, median ${report.llm_simulator.median_ms} ms, p99 ${report.llm_simulator.p99_ms} ms`);
  if (report.efficiency.length > 0) {
    lines.push('mode    target  count  actual_ipm  efficiency  steady_s  p50_ms  p99_ms  llm_rpm(mean/max)  status');
    for (const run of report.efficiency) {
      lines.push(
        [
          run.mode.padEnd(6),
          String(run.target_ipm ?? '-').padStart(7),
          String(run.count).padStart(6),
          fixed(run.actual_ipm, 0).padStart(11),
          fixed(run.efficiency, 3).padStart(11),
          fixed(run.steady_window_s, 0).padStart(9),
          String(run.latency_ms?.p50 ?? '-').padStart(7),
          String(run.latency_ms?.p99 ?? '-').padStart(7),
          `${run.llm_rpm.mean.toFixed(0)}/${run.llm_rpm.max}`.padStart(18),
          ` ${run.status}`,
        ].join(' '),
      );
    }
  }
  if (report.ceiling !== null) lines.push(`ceiling (rules, unpaced): ${fixed(report.ceiling.actual_ipm, 0)}/min steady, ${fixed(report.ceiling.overall_ipm, 0)}/min overall, ${report.ceiling.count} indicators`);
  if (report.bare !== null) lines.push(`bare workflow (${report.bare.steps} steps): ${fixed(report.bare.actual_ipm, 0)}/min steady, ${fixed(report.bare.overall_ipm, 0)}/min overall`);
  if (report.ceiling_ratio !== null) lines.push(`ceiling_ratio: ${report.ceiling_ratio.toFixed(3)} (overall ${fixed(report.ceiling_ratio_overall, 3)})`);
  if (report.scale !== null) {
    const s = report.scale;
    lines.push(`scale (${s.count}, rules): ${s.status}, ${fixed(s.overall_ipm, 0)}/min overall; tenths ${s.tenths.ipm.map((v) => v.toFixed(0)).join(' ')}; last/second ${fixed(s.tenths.last_to_second, 3)}`);
    lines.push(`scale runner RSS by tenth (MiB): ${s.runner_rss_mib_by_tenth.map((v) => v.toFixed(0)).join(' ')}`);
  }
  lines.push(`peak RSS (MiB): ${Object.entries(report.peak_rss_mib).map(([role, mib]) => `${role} ${mib.toFixed(0)}`).join(', ')}`);
  if (report.error !== null) lines.push(`stopped early: ${report.error}`);
  return lines.join('\n');
}

function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

import type { LlmReport } from '../db/llm.js';
import type { RunStatus } from '../db/runs.js';
import type { RunMode } from '../llm/plan.js';
import type { PerMinute, Percentiles } from './metrics.js';
import type { RpmPaceReport } from './pace.js';
import { llmHealthLines } from './llm-summary.js';

/** The end-of-run report: target against completed throughput, and what the LLM cost, honestly. */
export interface RunReport extends LlmReport {
  readonly run_id: string;
  readonly mode: RunMode;
  /** The LLM as configured (provider, model; never the key), or why none was used. */
  readonly llm: string;
  readonly status: RunStatus;
  /** Why the run stopped before finishing (interrupted, or which part stopped answering); null when it finished. */
  readonly stop_reason: string | null;
  readonly target_ipm: number | null;
  readonly target_rpm: number | null;
  /** --tpm: the LLM tokens-per-minute cap shared by every service process. */
  readonly target_tpm: number | null;
  /** What the run set out to classify: stored indicators without a current classification (all with --force), up to --limit. */
  readonly planned: number;
  /** Sent to the engine and answered (accepted, already known, or refused). */
  readonly submitted: number;
  /** Planned but never sent: the run stopped first. The next run submits them. */
  readonly not_submitted: number;
  /** Submissions Restate already knew (same indicator, same content): no new work. */
  readonly already_running_or_done: number;
  readonly completed: number;
  readonly failed: number;
  /** Still in flight when the run stopped waiting (0 on a normal finish); the engine keeps them. */
  readonly unfinished: number;
  /** completed ÷ planned: an interrupted or stalled run is not 100 %. */
  readonly success_rate: number;
  readonly duration_s: number;
  /** Completed indicators per minute over the whole run, submission to last completion. */
  readonly completed_ipm: number;
  /** The same as completed_ipm, under the name the run metrics use. */
  readonly overall_ipm: number;
  /** Completions per minute over the steady window (src/runner/metrics.ts steadyIpm); null with too few. */
  readonly actual_ipm: number | null;
  /** actual_ipm ÷ target_ipm; null when unpaced or unmeasured. */
  readonly efficiency: number | null;
  /** Submission to saved classification, of the completions this run caused. */
  readonly latency_ms: Percentiles | null;
  /** LLM requests (that reached the provider) per minute: mean over the run, max in any 60 s. */
  readonly llm_rpm: PerMinute;
  /** LLM tokens (input + output) per minute, the same way. */
  readonly llm_tpm: PerMinute;
  /** With only --rpm: the pace it set from the expected requests per indicator, and where corrections took it. */
  readonly rpm_pace: RpmPaceReport | null;
  /** Each ingress node's share of the submissions it took. */
  readonly ingress_share: Record<string, number>;
  /** Each service process's share of the run's saved classifications (host:pid). */
  readonly service_share: Record<string, number>;
  readonly top_failure_reasons: readonly { reason: string; count: number }[];
  /** What the import of --catalog warned of (rejected rows, no indicators in it, a partial import): the run exits 2 then. */
  readonly catalog_warnings: readonly string[];
}

export function formatReport(report: RunReport): string {
  const lines = [
    `run ${report.run_id} (${report.mode}): ${report.status}` + (report.stop_reason === null ? '' : ` — ${report.stop_reason}`),
    `planned ${report.planned}, submitted ${report.submitted}, completed ${report.completed}, failed ${report.failed}` +
      (report.unfinished > 0 ? `, unfinished ${report.unfinished} (still in the engine)` : '') +
      (report.not_submitted > 0 ? `, not submitted ${report.not_submitted}` : ''),
    `duration ${report.duration_s.toFixed(1)} s, ${report.completed_ipm.toFixed(0)} indicators/min completed` +
      (report.target_ipm !== null ? ` (target ${report.target_ipm}/min)` : report.rpm_pace !== null ? ` (paced from --rpm ${report.target_rpm ?? '?'})` : ' (unpaced)'),
    throughputLine(report),
    ...(report.rpm_pace === null
      ? []
      : [`pace from --rpm ${report.target_rpm ?? '?'}: ${report.rpm_pace.initial_ipm.toFixed(0)} indicators/min at first (${report.rpm_pace.expected_requests_per_indicator.toFixed(4)} requests per indicator expected), ${report.rpm_pace.final_ipm.toFixed(0)} at the end`]),
    `success rate ${(report.success_rate * 100).toFixed(1)}% (${report.completed} of ${report.planned} planned classified)`,
    llmLine(report),
    ...llmHealthLines(report),
  ];
  if (report.llm_requests > 0 || report.cache_hits > 0) {
    lines.push(
      `tokens: input ${report.input_tokens} (cached ${(report.cached_share * 100).toFixed(1)}%), output ${report.output_tokens}` +
        (report.reasoning_tokens > 0 ? ` (reasoning ${report.reasoning_tokens})` : '') +
        `; answers shared from the cache or another request: ${report.cache_hits} (${(report.cache_hit_share * 100).toFixed(1)}%)`,
    );
  }
  if (report.llm_requests > 0) {
    const { llm_rpm: rpm, llm_tpm: tpm } = report;
    lines.push(`LLM load: ${rpm.mean.toFixed(0)} requests/min mean, ${rpm.max} most in 60 s; ${tpm.mean.toFixed(0)} tokens/min mean, ${tpm.max} most in 60 s`);
  }
  const spread = [
    ...(Object.keys(report.ingress_share).length > 1 ? [`ingress ${formatShares(report.ingress_share)}`] : []),
    ...(Object.keys(report.service_share).length > 1 ? [`service processes ${formatShares(report.service_share)}`] : []),
  ];
  if (spread.length > 0) lines.push(`spread: ${spread.join('; ')}`);
  if (report.already_running_or_done > 0) {
    lines.push(`${report.already_running_or_done} submissions were already known to the engine (no new work)`);
  }
  for (const failure of report.top_failure_reasons) lines.push(`  failed ×${failure.count}: ${failure.reason}`);
  for (const warning of report.catalog_warnings) lines.push(`catalog: ${warning}`);
  return lines.join('\n');
}

function llmLine(report: RunReport): string {
  if (report.mode === 'rules') return `LLM: not used (${report.llm})`;
  const per1000 = report.cost_per_1000_usd === null ? 'n/a' : `$${report.cost_per_1000_usd.toFixed(4)}`;
  const perIndicator = report.requests_per_indicator === null ? 'n/a' : report.requests_per_indicator.toFixed(4);
  const unpriced = report.unpriced_requests > 0 ? ` (${report.unpriced_requests} requests of a model without a price are not in the cost)` : '';
  return `LLM (${report.llm}): ${report.llm_requests} requests (${perIndicator} per indicator), cost $${report.cost_usd.toFixed(4)}, ${per1000} per 1,000 indicators${unpriced}`;
}

/** "steady 1180/min (efficiency 0.98); latency p50 0.21 s, p95 0.90 s, p99 1.40 s" */
function throughputLine(report: RunReport): string {
  const steady = report.actual_ipm === null ? 'steady rate: too few completions to measure' : `steady ${report.actual_ipm.toFixed(0)}/min`;
  const efficiency = report.efficiency === null ? '' : ` (efficiency ${report.efficiency.toFixed(2)})`;
  const l = report.latency_ms;
  const latency = l === null ? '' : `; latency p50 ${seconds(l.p50)}, p95 ${seconds(l.p95)}, p99 ${seconds(l.p99)}`;
  return `${steady}${efficiency}${latency}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatShares(shares: Record<string, number>): string {
  return Object.entries(shares)
    .map(([name, share]) => `${name} ${(share * 100).toFixed(0)}%`)
    .join(', ');
}

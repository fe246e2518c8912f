/** The end-of-run report: target against completed throughput, honestly. */
export interface RunReport {
  readonly run_id: string;
  readonly mode: 'rules';
  readonly target_ipm: number | null;
  readonly submitted: number;
  /** Submissions Restate already knew (same indicator, same content): no new work. */
  readonly already_running_or_done: number;
  readonly completed: number;
  readonly failed: number;
  /** Still in flight when the run stopped waiting (0 on a normal finish). */
  readonly unfinished: number;
  readonly success_rate: number;
  readonly duration_s: number;
  /** Completed indicators per minute over the whole run, submission to last completion. */
  readonly completed_ipm: number;
  readonly top_failure_reasons: readonly { reason: string; count: number }[];
  readonly llm_requests: number;
  readonly input_tokens: number;
  readonly cached_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly cost_per_1000_usd: number;
}

export function formatReport(report: RunReport): string {
  const lines = [
    `run ${report.run_id} (${report.mode}): submitted ${report.submitted}, completed ${report.completed}, failed ${report.failed}` +
      (report.unfinished > 0 ? `, unfinished ${report.unfinished}` : ''),
    `duration ${report.duration_s.toFixed(1)} s, ${report.completed_ipm.toFixed(0)} indicators/min completed` +
      (report.target_ipm === null ? ' (unpaced)' : ` (target ${report.target_ipm}/min)`),
    `success rate ${(report.success_rate * 100).toFixed(1)}%; LLM requests ${report.llm_requests}, cost $${report.cost_usd.toFixed(4)} (rules only)`,
  ];
  if (report.already_running_or_done > 0) {
    lines.push(`${report.already_running_or_done} submissions were already known to the engine (no new work)`);
  }
  for (const failure of report.top_failure_reasons) lines.push(`  failed ×${failure.count}: ${failure.reason}`);
  return lines.join('\n');
}

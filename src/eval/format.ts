/** The eval report for people (text) and for programs (one JSON object). */
import type { EvalReport } from './evaluate.js';
import { EVAL_FIELDS } from './labels.js';

const TOP_CONFUSIONS = 10;

export function evalReportJson(report: EvalReport): string {
  return JSON.stringify({ total: report.total, fields: report.fields });
}

export function evalReportText(report: EvalReport): string {
  const lines: string[] = [`Evaluated ${report.total} labeled indicators with the rules.`, '', 'Agreement per field:'];
  for (const field of EVAL_FIELDS) {
    const score = report.fields[field];
    lines.push(`  ${field.padEnd(24)} ${(score.rate * 100).toFixed(1).padStart(5)}%  (${score.agree}/${score.total})`);
  }
  lines.push('', `Most frequent confusions (expected → got):`);
  for (const c of report.confusions.slice(0, TOP_CONFUSIONS)) {
    lines.push(`  ${String(c.count).padStart(3)}× ${c.field}: ${c.expected} → ${c.got}`);
  }
  lines.push('', `Disagreements (${report.disagreements.length}):`);
  for (const d of report.disagreements) {
    lines.push(`  ${d.id} "${d.name}" ${d.field}: expected ${d.expected}, got ${d.got} — ${d.reason}`);
  }
  return lines.join('\n');
}

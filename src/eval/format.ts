/** The eval report for people (text) and for programs (one JSON object). */
import type { FieldCalibration } from './calibration.js';
import type { EvalReport } from './evaluate.js';
import { EVAL_FIELDS } from './labels.js';

const TOP_CONFUSIONS = 10;

export function evalReportJson(report: EvalReport): string {
  const calibration = Object.fromEntries(
    EVAL_FIELDS.map((field) => {
      const c = report.calibration[field];
      return [field, { ece: c.ece, router_recall: c.router_recall, router_load: c.router_load, wrong: c.wrong, bins: c.bins }];
    }),
  );
  return JSON.stringify({ total: report.total, fields: report.fields, threshold: report.threshold, calibration });
}

const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)}%`;
const recall = (c: FieldCalibration): string => (c.router_recall === null ? '    — (no wrong answer)' : `${pct(c.router_recall)} of ${c.wrong} wrong`);

export function calibrationText(report: EvalReport): string[] {
  const lines: string[] = [
    `Calibration (hybrid threshold ${report.threshold}: answers below it go to the LLM):`,
    `  ${'field'.padEnd(24)}   ECE   router recall            router load`,
  ];
  for (const field of EVAL_FIELDS) {
    const c = report.calibration[field];
    lines.push(`  ${field.padEnd(24)} ${c.ece.toFixed(3)}  ${recall(c).padEnd(24)} ${pct(c.router_load)}`);
  }
  lines.push('', 'Reliability (confidence bin: answers, mean confidence → agreement):');
  for (const field of EVAL_FIELDS) {
    const bins = report.calibration[field].bins.map(
      (b) => `[${b.from.toFixed(1)},${b.to.toFixed(1)}) ${b.count}: ${b.mean_confidence.toFixed(2)}→${b.agreement.toFixed(2)}`,
    );
    lines.push(`  ${field.padEnd(24)} ${bins.join('  ')}`);
  }
  return lines;
}

export function evalReportText(report: EvalReport): string {
  const lines: string[] = [`Evaluated ${report.total} labeled indicators with the rules.`, '', 'Agreement per field:'];
  for (const field of EVAL_FIELDS) {
    const score = report.fields[field];
    lines.push(`  ${field.padEnd(24)} ${(score.rate * 100).toFixed(1).padStart(5)}%  (${score.agree}/${score.total})`);
  }
  lines.push('', ...calibrationText(report));
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

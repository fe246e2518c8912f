/** The eval report for people (text) and for programs (one JSON object). */
import type { FieldCalibration } from './calibration.js';
import type { EvalReport } from './evaluate.js';
import { MAX_LOAD, ROUTED_FIELDS, type CrossValidation } from './kfold.js';
import { CALIBRATED_FIELDS, EVAL_FIELDS } from './labels.js';

const TOP_CONFUSIONS = 10;

export function evalReportJson(report: EvalReport): string {
  const calibration = Object.fromEntries(
    CALIBRATED_FIELDS.map((field) => {
      const c = report.calibration[field];
      return [field, { ece: c.ece, router_recall: c.router_recall, router_load: c.router_load, wrong: c.wrong, bins: c.bins }];
    }),
  );
  const cv = report.crossValidation;
  const crossValidation =
    cv === null ? {} : { cross_validation: { k: cv.k, fitted: cv.fitted, thresholds: cv.thresholds, fields: cv.fields, sweep: cv.sweep } };
  const fitted = report.fitted === null ? {} : { fitted: report.fitted };
  return JSON.stringify({
    total: report.total,
    fields: report.fields,
    threshold: report.threshold,
    calibration,
    sweep: report.sweep,
    chosen_threshold: report.chosenThreshold,
    ...crossValidation,
    ...fitted,
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)}%`;
const recall = (c: FieldCalibration): string => (c.router_recall === null ? '    — (no wrong answer)' : `${pct(c.router_recall)} of ${c.wrong} wrong`);

export function calibrationText(report: EvalReport): string[] {
  const lines: string[] = [
    `Calibration (hybrid threshold ${report.threshold}: answers below it go to the LLM):`,
    `  ${'field'.padEnd(24)}   ECE   router recall            router load`,
  ];
  for (const field of CALIBRATED_FIELDS) {
    const c = report.calibration[field];
    if (c.total === 0) lines.push(`  ${field.padEnd(24)}     —  (no labeled row scores it)`);
    else lines.push(`  ${field.padEnd(24)} ${c.ece.toFixed(3)}  ${recall(c).padEnd(24)} ${pct(c.router_load)}`);
  }
  lines.push('', 'Reliability (confidence bin: answers, mean confidence → agreement):');
  for (const field of CALIBRATED_FIELDS) {
    if (report.calibration[field].total === 0) continue;
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
  lines.push('', ...calibrationText(report), '', ...sweepText(report));
  if (report.crossValidation !== null) lines.push('', ...crossValidationText(report.crossValidation));
  if (report.fitted !== null) {
    const { weights, counts } = report.fitted;
    lines.push('', 'Confidence weights fitted on every row, in logits:');
    for (const model of ['category', 'timeBasis', 'frequency', 'orientation'] as const) {
      const w = Object.entries(weights[model]).map(([cue, weight]) => `${cue} ${String(weight)}`);
      lines.push(`  ${model} (${counts[model].rows} rows, ${counts[model].wrong} wrong): ${w.join(', ')}`);
    }
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

const ratio = (x: number | null): string => (x === null ? '   —' : x.toFixed(2).padStart(5));

/** Router recall / load per routed field at each threshold: the trade-off the default is chosen from. */
export function sweepText(report: EvalReport): string[] {
  const head = ROUTED_FIELDS.map((f) => f.padEnd(22)).join(' ');
  const lines = ['Router trade-off (recall / load at each threshold):', `  threshold  ${head}`];
  for (const point of report.sweep) {
    const cells = ROUTED_FIELDS.map((f) => `${ratio(point.fields[f]?.router_recall ?? null)} / ${(point.fields[f]?.router_load ?? 0).toFixed(2)}`.padEnd(22));
    lines.push(`  ${point.threshold.toFixed(2).padEnd(9)}  ${cells.join(' ')}`);
  }
  lines.push(`  this set picks ${report.chosenThreshold.toFixed(2)} (best mean recall with every load ≤ ${MAX_LOAD})`);
  return lines;
}

export function crossValidationText(cv: CrossValidation): string[] {
  const what = cv.fitted ? "confidence weights and threshold fitted on the other folds" : "each fold's threshold chosen on the other folds";
  const lines = [
    `Out-of-fold router (${cv.k}-fold: ${what}, best mean recall at load ≤ ${MAX_LOAD}):`,
    `  thresholds chosen: ${cv.thresholds.map((t) => t.toFixed(2)).join(', ')}`,
  ];
  for (const [field, f] of Object.entries(cv.fields)) {
    lines.push(`  ${field.padEnd(24)} recall ${ratio(f.router_recall)} of ${f.wrong} wrong, load ${f.router_load.toFixed(3)}, ECE ${f.ece.toFixed(3)}`);
  }
  lines.push('  reliability of the held-out confidences (bin: answers, mean confidence → agreement):');
  for (const [field, f] of Object.entries(cv.fields)) {
    const bins = f.bins.map((b) => `[${b.from.toFixed(1)},${b.to.toFixed(1)}) ${b.count}: ${b.mean_confidence.toFixed(2)}→${b.agreement.toFixed(2)}`);
    lines.push(`  ${field.padEnd(24)} ${bins.join('  ')}`);
  }
  lines.push('  trade-off over the held-out confidences (recall / load at each threshold):');
  for (const point of cv.sweep) {
    const cells = ROUTED_FIELDS.map((f) => `${ratio(point.fields[f]?.router_recall ?? null)} / ${(point.fields[f]?.router_load ?? 0).toFixed(2)}`.padEnd(22));
    lines.push(`  ${point.threshold.toFixed(2).padEnd(9)}  ${cells.join(' ')}`);
  }
  return lines;
}

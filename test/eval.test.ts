import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval/evaluate.js';
import { evalReportJson } from '../src/eval/format.js';
import { CALIBRATED_FIELDS, impliedTimeBasis, readLabels } from '../src/eval/labels.js';

const DEV = fileURLToPath(new URL('../data/labeled/dev.jsonl', import.meta.url));

/** The bar of issue 2: the rules alone must reach these agreements on the development set. */
const MINIMUM = {
  family: 0.9,
  type: 0.85,
  temporal_aggregation: 0.85,
  is_currency_denominated: 0.95,
  orientation: 0.85,
} as const;

describe('classify eval on the development set', () => {
  it('reaches the agreed minimum per field', async () => {
    const report = evaluate(await readLabels(DEV));
    expect(report.total).toBe(110);
    for (const [field, minimum] of Object.entries(MINIMUM)) {
      const score = report.fields[field as keyof typeof MINIMUM];
      expect(score.total).toBe(110);
      expect(score.rate, `${field}: ${score.agree}/${score.total}`).toBeGreaterThanOrEqual(minimum);
    }
  });

  it('lists every disagreement with a reason, and confusions that add up', async () => {
    const report = evaluate(await readLabels(DEV));
    const disagreeing = Object.values(report.fields).reduce((sum, f) => sum + f.total - f.agree, 0);
    expect(report.disagreements).toHaveLength(disagreeing);
    expect(report.confusions.reduce((sum, c) => sum + c.count, 0)).toBe(disagreeing);
    for (const d of report.disagreements) expect(d.reason.length).toBeGreaterThan(0);
  });

  it('calibrates the time basis and orientation beside the label fields, in the JSON too', async () => {
    const labeled = await readLabels(DEV);
    const report = evaluate(labeled, { folds: 5 });
    const implied = labeled.filter((l) => impliedTimeBasis(l.expected.temporal_aggregation) !== null).length;
    expect(report.calibration.time_basis.total).toBe(implied);
    expect(implied).toBeGreaterThan(50);
    expect(report.calibration.orientation.total).toBe(110);
    const json = JSON.parse(evalReportJson(report)) as { calibration: Record<string, { ece: number; router_load: number; bins: unknown[] }> };
    expect(Object.keys(json.calibration)).toEqual([...CALIBRATED_FIELDS]);
    for (const field of ['time_basis', 'orientation']) {
      expect(json.calibration[field]?.bins.length).toBeGreaterThan(0);
      expect(json.calibration[field]?.ece).toBeGreaterThanOrEqual(0);
    }
    expect(report.crossValidation?.fields.time_basis?.bins.reduce((n, b) => n + b.count, 0)).toBe(implied);
  });
});

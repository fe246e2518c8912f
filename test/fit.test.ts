import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval/evaluate.js';
import { fitWeights, weightsModule, type FitRow } from '../src/eval/fit.js';
import { crossValidate, type ScoredRow } from '../src/eval/kfold.js';
import { applyCorrections, EVAL_FIELDS, readCorrections, readLabels } from '../src/eval/labels.js';
import { CUES, DOUBT_CUES, PRIOR, SUPPORT_CUES, confidenceOf } from '../src/stages/classify/confidence.js';
import { FITTED_WEIGHTS } from '../src/stages/classify/confidence-weights.js';

const DEV = 'data/labeled/dev.jsonl';
const CORRECTIONS = 'data/labeled/standard-corrections.json';

const rows = (n: number, row: FitRow): FitRow[] => Array.from({ length: n }, () => row);

/** Issue 12, point 3: the confidence weights come from a fit on the labeled data, not from hand-set constants. */
describe('fitting the confidence weights', () => {
  it('with no rows the fit is the prior; a doubt that comes with wrong answers costs more after the fit', () => {
    expect(fitWeights([])).toEqual(Object.fromEntries(CUES.map((c) => [c, Math.round(PRIOR[c] * 1000) / 1000])));
    const fitted = fitWeights([
      ...rows(40, { cues: ['name', 'unitsFit'], right: true }),
      ...rows(10, { cues: ['name', 'rival'], right: false }),
      ...rows(2, { cues: ['name', 'rival'], right: true }),
    ]);
    expect(fitted.rival).toBeLessThan(PRIOR.rival);
    expect(confidenceOf(['name', 'rival'], fitted)).toBeLessThan(confidenceOf(['name', 'rival'], PRIOR));
  });

  it('keeps the signs: a doubt never raises the confidence, a support never lowers it', () => {
    // Every doubt present only on right answers, every support only on wrong ones: the data pulls the wrong way.
    const fitted = fitWeights([
      ...rows(50, { cues: ['name', ...DOUBT_CUES], right: true }),
      ...rows(50, { cues: ['generic', ...SUPPORT_CUES], right: false }),
    ]);
    for (const c of DOUBT_CUES) expect(fitted[c], c).toBeLessThanOrEqual(0);
    for (const c of SUPPORT_CUES) expect(fitted[c], c).toBeGreaterThanOrEqual(0);
  });

  it('the committed weights are the fit on the development set with the standard corrections (one source of truth)', async () => {
    const labeled = applyCorrections(await readLabels(DEV), await readCorrections(CORRECTIONS));
    const report = evaluate(labeled, { fit: true });
    expect(report.fitted?.weights).toEqual(FITTED_WEIGHTS);
    expect(weightsModule(FITTED_WEIGHTS, { rows: 1, wrong: 0, labels: 'x' })).toMatch(/export const FITTED_WEIGHTS: CueWeights = \{/);
  });

  it('out of fold: each held-out fold is scored with weights fitted without it', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const data = ids.map((id) => ({ id, ...(Object.fromEntries(EVAL_FIELDS.map((f) => [f, { confidence: 0.9, correct: true }])) as ScoredRow) }));
    const seen: string[][] = [];
    const cv = crossValidate(data, EVAL_FIELDS, 3, (training) => {
      const inTraining = new Set(training.map((r) => r.id));
      seen.push([...inTraining]);
      return (row) => {
        // A row scored by a refit that trained on it would be a leak.
        if (inTraining.has(row.id)) return row;
        return Object.fromEntries(EVAL_FIELDS.map((f) => [f, { confidence: 0.4, correct: true }])) as ScoredRow;
      };
    });
    expect(seen).toHaveLength(3);
    expect(cv.fitted).toBe(true);
    // Every held-out answer came from a refit that did not train on it.
    expect(cv.fields.family.bins).toHaveLength(1);
    expect(cv.fields.family.bins[0]?.count).toBe(30);
    expect(cv.fields.family.bins[0]?.mean_confidence).toBeCloseTo(0.4, 10);
  });
});

describe('labels the standard contradicts', () => {
  it('replaces the label with the standard\'s answer, and refuses a stale or unknown entry', async () => {
    const labeled = await readLabels(DEV);
    const cpi = { id: 'FP.CPI.TOTL', field: 'type', label: 'price', standard: 'index', why: 'a CPI level is an index' } as const;
    const corrected = applyCorrections(labeled, [cpi]);
    expect(corrected.find((l) => l.indicator.id === 'FP.CPI.TOTL')?.expected.type).toBe('index');
    expect(labeled.find((l) => l.indicator.id === 'FP.CPI.TOTL')?.expected.type).toBe('price');
    expect(() => applyCorrections(labeled, [{ ...cpi, label: 'yield' }])).toThrow(/the label is price, not yield/);
    expect(() => applyCorrections(labeled, [{ ...cpi, id: 'nope' }])).toThrow(/no such labeled row/);
    expect(() => applyCorrections(labeled, [{ ...cpi, standard: 'not-a-type' }])).toThrow(/not a valid value/);
  });
});

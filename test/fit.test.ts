import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/eval/evaluate.js';
import { fitWeights, weightsModule, type FitRow } from '../src/eval/fit.js';
import { crossValidate, type ScoredRow } from '../src/eval/kfold.js';
import { applyCorrections, EVAL_FIELDS, readCorrections, readLabelFiles } from '../src/eval/labels.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../src/llm/plan.js';
import { CATEGORY_MODEL, CUES, DOUBT_CUES, PRIOR, SUPPORT_CUES, confidenceOf, type Cue } from '../src/stages/classify/confidence.js';
import { FITTED_FREQUENCY_WEIGHTS, FITTED_ORIENTATION_WEIGHTS, FITTED_TIME_BASIS_WEIGHTS, FITTED_WEIGHTS } from '../src/stages/classify/confidence-weights.js';
import { ORIENTATION_MODEL, type OrientationCue } from '../src/stages/classify/orientation.js';
import { BASIS_MODEL, type BasisCue } from '../src/stages/time/confidence.js';

const DEV = 'data/labeled/dev.jsonl';
const TUNE = 'data/labeled/holdout-tune.jsonl';
const TEST = 'data/labeled/holdout-test.jsonl';
const FINAL = 'data/labeled/holdout-final.jsonl';
const FINAL2 = 'data/labeled/holdout-final2.jsonl';
const FINAL3 = 'data/labeled/holdout-final3.jsonl';
const FINAL4 = 'data/labeled/holdout-final4.jsonl';
const FINAL5 = 'data/labeled/holdout-final5.jsonl';
const FINAL6 = 'data/labeled/holdout-final6.jsonl';
const FINAL7 = 'data/labeled/holdout-final7.jsonl';
const FINAL8 = 'data/labeled/holdout-final8.jsonl';
const FINAL9 = 'data/labeled/holdout-final9.jsonl';
const FINAL10 = 'data/labeled/holdout-final10.jsonl';
const FINAL11 = 'data/labeled/holdout-final11.jsonl';
const FINAL12 = 'data/labeled/holdout-final12.jsonl';
const FINAL13 = 'data/labeled/holdout-final13.jsonl';
const FINAL14 = 'data/labeled/holdout-final14.jsonl';
const FINAL15 = 'data/labeled/holdout-final15.jsonl';
const CORRECTIONS = 'data/labeled/standard-corrections.json';

const rows = <C extends string>(n: number, row: FitRow<C>): FitRow<C>[] => Array.from({ length: n }, () => row);

/** Issue 12, point 3: the confidence weights come from a fit on the labeled data, not from hand-set constants. */
describe('fitting the confidence weights', () => {
  it('with no rows the fit is the prior; a doubt that comes with wrong answers costs more after the fit', () => {
    expect(fitWeights([], CATEGORY_MODEL)).toEqual(Object.fromEntries(CUES.map((c) => [c, Math.round(PRIOR[c] * 1000) / 1000])));
    const fitted = fitWeights<Cue>(
      [...rows(40, { cues: ['name', 'unitsFit'], right: true }), ...rows(10, { cues: ['name', 'rival'], right: false }), ...rows(2, { cues: ['name', 'rival'], right: true })],
      CATEGORY_MODEL,
    );
    expect(fitted.rival).toBeLessThan(PRIOR.rival);
    expect(confidenceOf(['name', 'rival'], fitted)).toBeLessThan(confidenceOf(['name', 'rival'], PRIOR));
  });

  it('keeps the signs: a doubt never raises the confidence, a support never lowers it', () => {
    // Every doubt present only on right answers, every support only on wrong ones: the data pulls the wrong way.
    const fitted = fitWeights<Cue>(
      [...rows(50, { cues: ['name', ...DOUBT_CUES], right: true }), ...rows(50, { cues: ['generic', ...SUPPORT_CUES], right: false })],
      CATEGORY_MODEL,
    );
    for (const c of DOUBT_CUES) expect(fitted[c], c).toBeLessThanOrEqual(0);
    for (const c of SUPPORT_CUES) expect(fitted[c], c).toBeGreaterThanOrEqual(0);
  });

  it('the committed weights are the fit on the development set with the standard corrections and the holdouts measured so far (one source of truth), and the default threshold is the one that set picks', async () => {
    const labeled = applyCorrections(await readLabelFiles([DEV, TUNE, TEST, FINAL, FINAL2, FINAL3, FINAL4, FINAL5, FINAL6, FINAL7, FINAL8, FINAL9, FINAL10, FINAL11, FINAL12, FINAL13, FINAL14, FINAL15]), await readCorrections(CORRECTIONS));
    const report = evaluate(labeled, { fit: true });
    expect(report.chosenThreshold).toBe(DEFAULT_CONFIDENCE_THRESHOLD);
    const committed = { category: FITTED_WEIGHTS, timeBasis: FITTED_TIME_BASIS_WEIGHTS, frequency: FITTED_FREQUENCY_WEIGHTS, orientation: FITTED_ORIENTATION_WEIGHTS };
    expect(report.fitted?.weights).toEqual(committed);
    const counts = { category: { rows: 1, wrong: 0 }, timeBasis: { rows: 1, wrong: 0 }, frequency: { rows: 1, wrong: 0 }, orientation: { rows: 1, wrong: 0 } };
    const module = weightsModule(committed, { counts, labels: 'x' });
    expect(module).toMatch(/export const FITTED_WEIGHTS: CueWeights = \{/);
    expect(module).toMatch(/export const FITTED_TIME_BASIS_WEIGHTS: BasisWeights = \{/);
    expect(module).toMatch(/export const FITTED_FREQUENCY_WEIGHTS: FrequencyWeights = \{/);
    expect(module).toMatch(/export const FITTED_ORIENTATION_WEIGHTS: OrientationWeights = \{/);
  });

  it('fits the time basis and orientation models the same way: wrong answers behind a cue lower it, signs kept', () => {
    const basis = fitWeights<BasisCue>(
      [...rows(30, { cues: ['levelMeasure'], right: true }), ...rows(10, { cues: ['levelMeasure', 'rivalBasis'], right: false })],
      BASIS_MODEL,
    );
    expect(basis.rivalBasis).toBeLessThan(BASIS_MODEL.prior.rivalBasis);
    expect(basis.guess).toBe(BASIS_MODEL.prior.guess);
    const orientation = fitWeights<OrientationCue>(
      [...rows(40, { cues: ['word', 'conceptDisagrees'], right: true }), ...rows(30, { cues: ['concept', 'conceptAgrees'], right: false })],
      ORIENTATION_MODEL,
    );
    expect(orientation.conceptDisagrees).toBeLessThanOrEqual(0);
    expect(orientation.conceptAgrees).toBeGreaterThanOrEqual(0);
    expect(orientation.concept).toBeLessThan(ORIENTATION_MODEL.prior.concept);
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
    expect(cv.fields.family?.bins).toHaveLength(1);
    expect(cv.fields.family?.bins[0]?.count).toBe(30);
    expect(cv.fields.family?.bins[0]?.mean_confidence).toBeCloseTo(0.4, 10);
  });
});

describe('labels the standard contradicts', () => {
  it('replaces the label with the standard\'s answer, and refuses a stale or unknown entry', async () => {
    const labeled = await readLabelFiles([DEV]);
    const cpi = { id: 'FP.CPI.TOTL', field: 'type', label: 'price', standard: 'index', why: 'a CPI level is an index' } as const;
    const corrected = applyCorrections(labeled, [cpi]);
    expect(corrected.find((l) => l.indicator.id === 'FP.CPI.TOTL')?.expected.type).toBe('index');
    expect(labeled.find((l) => l.indicator.id === 'FP.CPI.TOTL')?.expected.type).toBe('price');
    expect(() => applyCorrections(labeled, [{ ...cpi, label: 'yield' }])).toThrow(/the label is price, not yield/);
    expect(() => applyCorrections(labeled, [{ ...cpi, id: 'nope' }])).toThrow(/no such labeled row/);
    expect(() => applyCorrections(labeled, [{ ...cpi, standard: 'not-a-type' }])).toThrow(/not a valid value/);
  });
});

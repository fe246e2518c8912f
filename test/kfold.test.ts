import { describe, expect, it } from 'vitest';
import { CHOICE_GRID, chooseThreshold, crossValidate, MAX_LOAD, type ScoredRow } from '../src/eval/kfold.js';
import { EVAL_FIELDS } from '../src/eval/labels.js';

const row = (id: string, confidence: number, correct: boolean): ScoredRow & { id: string } => ({
  id,
  ...(Object.fromEntries(EVAL_FIELDS.map((field) => [field, { confidence, correct }])) as ScoredRow),
});

/** 100 rows: 10 wrong at 0.5, 10 right at 0.6, 80 right at 0.9. */
const ROWS = [
  ...Array.from({ length: 10 }, (_, i) => row(`w${i}`, 0.5, false)),
  ...Array.from({ length: 10 }, (_, i) => row(`m${i}`, 0.6, true)),
  ...Array.from({ length: 80 }, (_, i) => row(`r${i}`, 0.9, true)),
];

describe('the threshold chosen by measurement', () => {
  it('takes the lowest threshold that catches every wrong answer within the load limit', () => {
    // 0.51 catches the 10 wrong answers (at 0.5) at load 0.10; higher thresholds add load for no recall.
    expect(chooseThreshold(ROWS)).toBe(0.51);
  });

  it('never goes above the load limit, even for more recall', () => {
    const crowded = [...ROWS.filter((r) => !r.id.startsWith('w')), ...Array.from({ length: 40 }, (_, i) => row(`x${i}`, 0.8, i % 2 === 0))];
    const threshold = chooseThreshold(crowded);
    const load = crowded.filter((r) => r.family.confidence < threshold).length / crowded.length;
    expect(load).toBeLessThanOrEqual(MAX_LOAD);
    expect(threshold).toBeLessThanOrEqual(0.8); // 0.85 would route the 40 at 0.8: load 0.31
  });

  it('k-fold: every row is held out once, thresholds come from the grid, and the split is deterministic', () => {
    const cv = crossValidate(ROWS, EVAL_FIELDS, 5);
    expect(cv.thresholds).toHaveLength(5);
    for (const t of cv.thresholds) expect(CHOICE_GRID).toContain(t);
    expect(cv.fields.family?.wrong).toBe(10);
    expect(cv.fields.family?.router_recall).toBe(1);
    expect(cv.fields.family?.router_load).toBeCloseTo(0.1, 10);
    expect(crossValidate(ROWS, EVAL_FIELDS, 5)).toEqual(cv);
  });

  it('out-of-fold: a wrong answer no training fold has seen the like of is not caught', () => {
    // One wrong answer at 0.9 among confident right ones: the other folds never justify routing 0.9.
    const rows = [...ROWS.filter((r) => !r.id.startsWith('w')), row('odd', 0.9, false)];
    const cv = crossValidate(rows, ['family'], 4);
    expect(cv.fields.family?.router_recall).toBe(0);
  });
});

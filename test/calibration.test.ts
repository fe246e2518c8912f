import { describe, expect, it } from 'vitest';
import { calibrate, expectedCalibrationError, reliabilityBins, routerAt, type Scored } from '../src/eval/calibration.js';

const s = (confidence: number, correct: boolean): Scored => ({ confidence, correct });

describe('calibration of the rules\' confidence', () => {
  it('bins confidences against agreement; 1.0 falls in the last bin', () => {
    const bins = reliabilityBins([s(0.15, false), s(0.18, true), s(0.95, true), s(1, true)]);
    expect(bins).toEqual([
      { from: 0.1, to: 0.2, count: 2, mean_confidence: expect.closeTo(0.165, 10) as number, agreement: 0.5 },
      { from: 0.9, to: 1, count: 2, mean_confidence: expect.closeTo(0.975, 10) as number, agreement: 1 },
    ]);
  });

  it('ECE is zero when confidence equals agreement in every bin, and the weighted gap otherwise', () => {
    const calibrated = [s(0.5, true), s(0.5, false), s(1, true), s(1, true)];
    expect(expectedCalibrationError(reliabilityBins(calibrated))).toBeCloseTo(0, 10);
    // Always 0.9 sure, right half the time: the gap is 0.4.
    const overconfident = [s(0.9, true), s(0.9, false), s(0.9, true), s(0.9, false)];
    expect(expectedCalibrationError(reliabilityBins(overconfident))).toBeCloseTo(0.4, 10);
  });

  it('the router sends answers strictly below the threshold: recall over the wrong ones, load over all', () => {
    const scored = [s(0.3, false), s(0.69, false), s(0.7, false), s(0.9, false), s(0.5, true), s(0.95, true), s(0.95, true), s(0.95, true)];
    expect(routerAt(scored, 0.7)).toEqual({ recall: 0.5, load: 3 / 8, wrong: 4 });
    expect(routerAt(scored, 0)).toEqual({ recall: 0, load: 0, wrong: 4 });
    expect(routerAt([s(0.9, true)], 0.7).recall).toBeNull();
  });

  it('calibrate puts it together for one field', () => {
    const c = calibrate([s(0.2, false), s(0.9, true)], 0.5);
    expect(c).toMatchObject({ router_recall: 1, router_load: 0.5, wrong: 1, total: 2, ece: expect.closeTo(0.15, 10) as number });
  });
});

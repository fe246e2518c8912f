/**
 * Does the rules' confidence mean something? Per field: confidence bins against agreement, the
 * expected calibration error, and what hybrid mode's router does at a threshold: which share of
 * the rules' wrong answers it sends to the LLM (recall) and which share of all answers (load).
 */

/** One field's answer on one labeled indicator: how sure the rules were, and whether they agreed. */
export interface Scored {
  readonly confidence: number;
  readonly correct: boolean;
}

export interface ReliabilityBin {
  /** Confidences in [from, to); the last bin includes 1. */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly mean_confidence: number;
  readonly agreement: number;
}

export interface FieldCalibration {
  /** Σ count/N · |agreement − mean confidence| over the bins. */
  readonly ece: number;
  /** Share of the wrong answers below the threshold; null when the rules made no mistake. */
  readonly router_recall: number | null;
  /** Share of all answers below the threshold. */
  readonly router_load: number;
  readonly wrong: number;
  readonly total: number;
  /** Non-empty bins only, lowest first. */
  readonly bins: readonly ReliabilityBin[];
}

export const BIN_COUNT = 10;

function binOf(confidence: number): number {
  return Math.min(BIN_COUNT - 1, Math.max(0, Math.floor(confidence * BIN_COUNT)));
}

export function reliabilityBins(scored: readonly Scored[]): ReliabilityBin[] {
  const bins = Array.from({ length: BIN_COUNT }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const s of scored) {
    const bin = bins[binOf(s.confidence)];
    if (bin === undefined) continue;
    bin.count += 1;
    bin.confidence += s.confidence;
    bin.correct += s.correct ? 1 : 0;
  }
  return bins.flatMap((bin, index) =>
    bin.count === 0
      ? []
      : [{ from: index / BIN_COUNT, to: (index + 1) / BIN_COUNT, count: bin.count, mean_confidence: bin.confidence / bin.count, agreement: bin.correct / bin.count }],
  );
}

export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return 0;
  return bins.reduce((sum, b) => sum + (b.count / total) * Math.abs(b.agreement - b.mean_confidence), 0);
}

/** What the hybrid router does at `threshold`: it asks the LLM about answers strictly below it. */
export function routerAt(scored: readonly Scored[], threshold: number): { recall: number | null; load: number; wrong: number } {
  const wrong = scored.filter((s) => !s.correct);
  const caught = wrong.filter((s) => s.confidence < threshold).length;
  const routed = scored.filter((s) => s.confidence < threshold).length;
  return { recall: wrong.length === 0 ? null : caught / wrong.length, load: scored.length === 0 ? 0 : routed / scored.length, wrong: wrong.length };
}

export function calibrate(scored: readonly Scored[], threshold: number): FieldCalibration {
  const bins = reliabilityBins(scored);
  const router = routerAt(scored, threshold);
  return {
    ece: expectedCalibrationError(bins),
    router_recall: router.recall,
    router_load: router.load,
    wrong: router.wrong,
    total: scored.length,
    bins,
  };
}

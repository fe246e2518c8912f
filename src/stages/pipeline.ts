/**
 * The six analysis stages, in order, written once: which rules each stage runs and what they read
 * of the stages before it. `classifyWithRules` runs them straight through (pure, no I/O); the
 * durable workflow runs the same sequence one journaled step at a time, and may replace a stage's
 * result (an LLM answer) before the next stage reads it.
 */
import type { Indicator } from '../domain/indicator.js';
import {
  Classification,
  type CumulativeResult,
  type FamilyResult,
  type NormalizationResult,
  type OrientationResult,
  type TimeInferenceResult,
  type TypeResult,
} from '../domain/results.js';
import { gatherEvidence, type Evidence } from './classify/evidence.js';
import { assignFamily, classifyType } from './classify/family-type.js';
import { assignOrientation } from './classify/orientation.js';
import { detectCumulative } from './cumulative/index.js';
import { normalize } from './normalize/index.js';
import { inferTime } from './time/index.js';

/** The result of each analysis stage. */
export interface StageResults {
  normalization: NormalizationResult;
  time: TimeInferenceResult;
  cumulative: CumulativeResult;
  family: FamilyResult;
  type: TypeResult;
  orientation: OrientationResult;
}

export type Stage = keyof StageResults;

/** The order the stages run in: each one's rules read only the stages before it. */
export const STAGES = ['normalization', 'time', 'cumulative', 'family', 'type', 'orientation'] as const satisfies readonly Stage[];

type StageRules = { readonly [S in Stage]: (indicator: Indicator, progress: StageProgress) => StageResults[S] };

const RULES: StageRules = {
  normalization: (indicator) => normalize(indicator),
  time: (indicator) => inferTime(indicator),
  cumulative: (indicator, progress) => detectCumulative(indicator, progress.get('time').reporting_frequency),
  family: (_, progress) => assignFamily(progress.evidence()),
  type: (_, progress) => classifyType(progress.evidence(), progress.get('family').family),
  orientation: (_, progress) => assignOrientation(progress.evidence()),
};

/** One indicator's way through the stages: the results so far, and the rules of the next stage. */
export class StageProgress {
  private readonly results: Partial<StageResults> = {};
  /** The family, type and orientation rules share one reading of the first three results. */
  private gathered: Evidence | undefined;

  constructor(readonly indicator: Indicator) {}

  /** The rules' result of `stage`, from the results recorded so far. */
  rules<S extends Stage>(stage: S): StageResults[S] {
    return RULES[stage](this.indicator, this);
  }

  /** Records (or replaces) the result of `stage`; later stages read it. */
  record<S extends Stage>(stage: S, result: StageResults[S]): void {
    this.results[stage] = result;
    if (stage === 'normalization' || stage === 'time' || stage === 'cumulative') this.gathered = undefined;
  }

  /** The recorded result of `stage`; reading a stage before it ran is a bug in the sequence. */
  get<S extends Stage>(stage: S): StageResults[S] {
    const result = this.results[stage];
    if (result === undefined) throw new Error(`stage ${stage} read before it ran`);
    return result;
  }

  /** The recorded result of `stage`, or undefined before it ran. */
  find<S extends Stage>(stage: S): StageResults[S] | undefined {
    return this.results[stage];
  }

  /** What the family, type and orientation rules look at (needs the first three stages). */
  evidence(): Evidence {
    this.gathered ??= gatherEvidence(this.indicator, {
      normalization: this.get('normalization'),
      time: this.get('time'),
      cumulative: this.get('cumulative'),
    });
    return this.gathered;
  }

  /** The classification as recorded, unparsed (every stage must have run). */
  draft(): { indicator_id: string } & StageResults {
    return {
      indicator_id: this.indicator.id,
      normalization: this.get('normalization'),
      time: this.get('time'),
      cumulative: this.get('cumulative'),
      family: this.get('family'),
      type: this.get('type'),
      orientation: this.get('orientation'),
    };
  }
}

export function classifyWithRules(indicator: Indicator): Classification {
  const progress = new StageProgress(indicator);
  for (const stage of STAGES) progress.record(stage, progress.rules(stage));
  // Parsing enforces the schema's invariants (a type within its family) on every result.
  return Classification.parse(progress.draft());
}

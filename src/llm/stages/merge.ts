/**
 * From an LLM answer to a stage result shaped exactly like src/domain/results.ts (parsed with
 * those schemas): the LLM's fields, confidence and reason with source 'llm'; fields the LLM is not
 * asked (declared / observed frequency, cumulative evidence) stay the rules'. And the fallback
 * when no valid answer came: the rules' result, kept with a low confidence and flagged.
 */
import {
  CumulativeResult,
  FamilyResult,
  OrientationResult,
  TimeInferenceResult,
  TypeResult,
  type Provenance,
} from '../../domain/results.js';
import type { StageResults } from '../../stages/pipeline.js';
import { clip } from '../prompt/context.js';
import type { LlmErrorKind } from '../provider.js';
import type { CumulativeAnswer, FamilyAnswer, LlmStage, OrientationAnswer, StageAnswer, TimeAnswer, TypeAnswer } from './schemas.js';

/** The confidence a kept rules' answer gets at most: low enough to be sent to review. */
export const KEPT_RULES_CONFIDENCE = 0.3;
export const KEPT_RULES_SUFFIX = 'kept rules, flagged for review';
export const MAX_REASON_CHARS = 300;

/**
 * Why a stage kept the rules' answer: the outcome of the request that ended the question (an
 * LlmError kind: invalid-answer also for items still missing after the re-ask), or why none was
 * made: no LLM at the endpoint, no verdict within the wait, the asker's step failed.
 */
export const NO_REQUEST_CAUSES = ['not-configured', 'no-answer', 'step-failed'] as const;
export type FallbackCause = LlmErrorKind | (typeof NO_REQUEST_CAUSES)[number];

/**
 * The `why` of keepRules, starting with its cause: the run report counts fallbacks by cause from
 * the stored reasons (src/db/llm-outcomes.ts), so this shape is the one both sides agree on.
 */
export function fallbackWhy(cause: FallbackCause, detail: string): string {
  return `LLM ${cause}: ${detail}`;
}

/** How a kept rules' reason ends (keepRules): what the fallback count looks for. */
export const KEPT_RULES_END = `; ${KEPT_RULES_SUFFIX})`;
/** A Postgres regular expression whose first group is the cause in a kept rules' reason. */
export const KEPT_RULES_CAUSE_PATTERN = `\\(LLM ([a-z-]+): .*${KEPT_RULES_END.replace(')', '\\)')}$`;

export function mergeAnswer(rules: TimeInferenceResult, answer: TimeAnswer): TimeInferenceResult;
export function mergeAnswer(rules: FamilyResult, answer: FamilyAnswer): FamilyResult;
export function mergeAnswer(rules: TypeResult, answer: TypeAnswer): TypeResult;
export function mergeAnswer(rules: OrientationResult, answer: OrientationAnswer): OrientationResult;
export function mergeAnswer(rules: CumulativeResult, answer: CumulativeAnswer): CumulativeResult;
export function mergeAnswer(rules: Provenance, answer: StageAnswer): Provenance {
  return merge(rules, answer);
}

/** mergeAnswer for a caller generic over the stage (the result is parsed by the stage's schema). */
export function mergeStageAnswer<S extends LlmStage>(rules: StageResults[S], answer: StageAnswer<S>): StageResults[S] {
  return merge(rules, answer) as StageResults[S];
}

function merge(rules: Provenance, answer: StageAnswer): Provenance {
  const { confidence, reason, ...rest } = answer;
  // The id ties the answer to its indicator; it is not a field of the stage result.
  const fields = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'id'));
  const merged = {
    ...rules,
    ...fields,
    confidence,
    source: 'llm' as const,
    // One line, bounded: the reason is stored and shown in reports.
    reason: clip(reason, MAX_REASON_CHARS) ?? 'LLM answer',
  };
  return resultSchema(answer).parse(merged);
}

/**
 * The rules' result, kept when the LLM gave no valid answer: confidence at most
 * KEPT_RULES_CONFIDENCE (below the review bar) and the reason says why.
 */
export function keepRules<R extends Provenance>(rules: R, why: string): R {
  const reason = `${rules.reason} (${clip(why, MAX_REASON_CHARS) ?? 'no LLM answer'}${KEPT_RULES_END}`;
  return { ...rules, confidence: Math.min(rules.confidence, KEPT_RULES_CONFIDENCE), reason };
}

/** The stage result schema an answer belongs to, told by the field only that stage answers. */
function resultSchema(answer: StageAnswer): { parse(value: unknown): Provenance } {
  if ('reporting_frequency' in answer) return TimeInferenceResult;
  if ('family' in answer) return FamilyResult;
  if ('type' in answer) return TypeResult;
  if ('orientation' in answer) return OrientationResult;
  return CumulativeResult;
}

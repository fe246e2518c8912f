/**
 * The variable part of a request, after the cacheable system prefix: the stage's instructions,
 * then the indicators as one JSON object. Indicator text (names, descriptions) only ever appears
 * JSON-encoded inside that object: data, never concatenated into instructions.
 */
import type { LlmStage } from '../stages/schemas.js';
import { INDICATORS_HEADER, STAGE_INSTRUCTIONS } from './instructions.js';

export function userMessage(stage: LlmStage, indicators: readonly object[]): string {
  // The `indicators` key is also the llm-sim convention (src/llm-sim/answer.ts).
  return `${STAGE_INSTRUCTIONS[stage]}\n\n${INDICATORS_HEADER}\n${JSON.stringify({ stage, indicators })}`;
}

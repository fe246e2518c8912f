/**
 * How many tokens a batch request will use, estimated before it is sent, so the shared budget can
 * reserve them (`--tpm`). The prompt is counted with the real tokenizer; the answer is a typical
 * size per item. The budget corrects its schedule with the real usage when the answer comes back,
 * so the estimate only has to be close, not exact.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { SYSTEM_PREFIX } from './prompt/system.js';
import { userMessage } from './prompt/user.js';
import type { LlmStage } from './stages/schemas.js';

/** A typical answer item (fields, a one-line reason) with some reasoning. */
export const OUTPUT_TOKENS_PER_ITEM = 120;
/** Chat framing and the answer schema, about. */
const OVERHEAD_TOKENS = 400;

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
let systemTokens: number | undefined;

export function estimateRequestTokens(stage: LlmStage, indicators: readonly object[]): number {
  systemTokens ??= countTokens(SYSTEM_PREFIX, PLAIN_TEXT);
  return systemTokens + OVERHEAD_TOKENS + countTokens(userMessage(stage, indicators), PLAIN_TEXT) + indicators.length * OUTPUT_TOKENS_PER_ITEM;
}

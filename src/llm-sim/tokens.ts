/**
 * Token counting with a real tokenizer: gpt-tokenizer's o200k_base, the encoding of the gpt-4o,
 * gpt-4.1, o-series and gpt-5 families.
 *
 * Prompt tokens approximate OpenAI's chat overhead the way OpenAI's cookbook does (and
 * gpt-tokenizer's `encodeChat` implements): each message is `<|im_start|>{role}<|im_sep|>{content}
 * <|im_end|>` (3 tokens + the role + the content) and the reply is primed with
 * `<|im_start|>assistant<|im_sep|>` (3 more). Structured outputs put the schema into the prompt in
 * a form OpenAI does not publish; the simulator counts it as one leading system message holding
 * the JSON text of `json_schema` (name, description, strict, schema), and tools likewise as one
 * system message holding their JSON. Array content counts its text parts only. Completion tokens
 * are the tokens of the answer's content.
 */
import { decode, encode, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { isReasoningModel } from '../llm/openai.js';

// One rule for which models reason: the product's (the simulator must refuse what the provider sends).
export { isReasoningModel };

/** One chat message reduced to what is counted. */
export type CountedMessage = { role: string; content: string };

/** Text like "<|endoftext|>" inside a message is plain text to the API, never a special token. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** The prompt as a token sequence: its length is prompt_tokens, its prefixes drive caching. */
export function promptTokens(messages: readonly CountedMessage[]): number[] {
  // gpt-4o's chat format is the o200k ChatML one; the model name only selects the format.
  return encodeChat(messages, 'gpt-4o', PLAIN_TEXT);
}

export function textTokens(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

export function decodeTokens(tokens: readonly number[]): string {
  return decode(tokens);
}

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** How effort scales reasoning relative to `medium` (the API's default). */
const EFFORT_SCALE: Readonly<Record<ReasoningEffort, number>> = {
  none: 0,
  minimal: 0.25,
  low: 0.5,
  medium: 1,
  high: 2,
  xhigh: 3,
  max: 3,
};


/**
 * Reasoning tokens for an answer of `visible` tokens. `fraction` is the share of completion_tokens
 * that is reasoning at medium effort (so reasoning = visible × fraction / (1 − fraction)), scaled
 * by the effort; zero for models that do not reason.
 */
export function reasoningTokens(
  model: string,
  visible: number,
  fraction: number,
  effort: ReasoningEffort | null | undefined,
): number {
  if (!isReasoningModel(model) || fraction <= 0) return 0;
  const share = Math.min(fraction, 0.95);
  return Math.round(((visible * share) / (1 - share)) * EFFORT_SCALE[effort ?? 'medium']);
}

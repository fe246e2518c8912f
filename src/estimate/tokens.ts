/**
 * Tokens of each planned request, counted the way the LLM simulator (src/llm-sim) counts them, with
 * its exported functions: gpt-tokenizer's o200k_base, the chat overhead of `encodeChat`, the
 * structured-output schema as one leading system message holding the JSON of `json_schema`
 * ({name, strict, schema}, as src/llm/openai.ts sends it), then the system prefix and the user
 * message. Cached tokens follow OpenAI's rule as the simulator's PromptCache implements it: a prefix
 * shared with an earlier request, at least 1,024 tokens, in 128-token steps; the first request of
 * each distinct prefix is not cached. Requests are assumed to follow each other within the cache's
 * lifetime (a run of minutes), in plan order.
 *
 * Output tokens: the answer JSON (`{"results":[…]}`, the rules' answer per item with a typical
 * 12-word reason) tokenized as the simulator counts completion tokens, plus hidden reasoning by the
 * simulator's model for reasoning models (a share of the completion at medium effort, scaled by
 * the effort; zero for models that do not reason).
 */
import { strictJsonSchema } from '../llm/json-schema.js';
import { LlmSimOptions } from '../llm-sim/options.js';
import { PromptCache } from '../llm-sim/prompt-cache.js';
import { promptTokens, reasoningTokens, textTokens, type CountedMessage, type ReasoningEffort } from '../llm-sim/tokens.js';
import type { Batch } from './plan-requests.js';
import { answerOf, captureRequest, type CapturedRequest } from './request.js';

/** The simulator's default share of completion tokens that is reasoning at medium effort. */
export const SIM_REASONING_FRACTION: number = LlmSimOptions.parse({}).reasoningFraction;

export type RequestTokens = {
  input: number;
  /** Of input: served from the prompt cache. */
  cached: number;
  /** Every completion token, reasoning included (as billed). */
  output: number;
  /** Of output: hidden reasoning. */
  reasoning: number;
};

export type TokenOptions = {
  model: string;
  /** The reasoning_effort the provider sends to reasoning models (LLM_REASONING_EFFORT). */
  effort: ReasoningEffort;
  reasoningFraction?: number;
};

/** The messages the simulator counts for a request: the schema, the system prefix, the user message. */
export function countedMessages(request: CapturedRequest): CountedMessage[] {
  return [
    { role: 'system', content: schemaMessage(request) },
    { role: 'system', content: request.system },
    { role: 'user', content: request.user },
  ];
}

const SCHEMA_MESSAGES = new Map<string, string>();

/** `json_schema` as openai.ts sends it ({name, strict, schema}), as JSON text; one per stage. */
function schemaMessage(request: CapturedRequest): string {
  let text = SCHEMA_MESSAGES.get(request.schemaName);
  if (text === undefined) {
    text = JSON.stringify({ name: request.schemaName, strict: true, schema: strictJsonSchema(request.schema) });
    SCHEMA_MESSAGES.set(request.schemaName, text);
  }
  return text;
}

export type TokenCounter = (batch: Batch) => Promise<RequestTokens>;

/** Counts requests in the order given; the prompt cache remembers every earlier request. */
export function createTokenCounter(options: TokenOptions): TokenCounter {
  const cache = new PromptCache({ ttlMs: Number.POSITIVE_INFINITY, maxEntries: Number.MAX_SAFE_INTEGER });
  const fraction = options.reasoningFraction ?? SIM_REASONING_FRACTION;
  return async (batch) => {
    const request = await captureRequest(batch);
    const prompt = promptTokens(countedMessages(request));
    const cached = cache.lookupAndStore(options.model, prompt, 0);
    const visible = textTokens(JSON.stringify(answerOf(batch))).length;
    const reasoning = reasoningTokens(options.model, visible, fraction, options.effort);
    return { input: prompt.length, cached, output: visible + reasoning, reasoning };
  };
}

/**
 * Anthropic through the official SDK (Messages API). Structured output is one tool whose
 * input_schema is the strict JSON schema, forced with tool_choice; the system prompt is one text
 * block marked `cache_control: ephemeral`, so the static prefix (tools + system) is cached.
 * Reasoning effort does not apply: extended thinking cannot be combined with a forced tool.
 * The SDK never retries (maxRetries: 0): the caller owns retries.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming, Tool } from '@anthropic-ai/sdk/resources/messages';
import { invalidAnswer, validateAnswer } from './answer.js';
import type { LlmConfig } from './config.js';
import { neverSentCause, notTheApi, toLlmError, type Failure } from './errors.js';
import { strictJsonSchema } from './json-schema.js';
import { rateLimitsOf, type RateLimits } from './rate-limits.js';
import { LlmError, type LlmProvider, type StructuredRequest, type StructuredResponse, type TokenUsage } from './provider.js';

/** max_tokens is required by the Messages API. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export function createAnthropicProvider(config: LlmConfig): LlmProvider {
  const client = new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseUrl ?? undefined,
    maxRetries: 0,
    timeout: config.timeoutMs,
  });
  const secrets = [config.apiKey];

  async function complete<T>(request: StructuredRequest<T>): Promise<StructuredResponse<T>> {
    const inputSchema = strictJsonSchema(request.schema) as Tool.InputSchema;
    const body: MessageCreateParamsNonStreaming = {
      model: config.model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: request.user }],
      tools: [{ name: request.schemaName, description: 'Record the answer.', input_schema: inputSchema }],
      tool_choice: { type: 'tool', name: request.schemaName },
    };
    const started = performance.now();
    let message: Message;
    let requestId: string | null;
    let rateLimits: RateLimits;
    try {
      const { data, request_id, response } = await client.messages.create(body, { signal: request.signal }).withResponse();
      // The SDK hands back any 2xx body as it came (a string for an HTML page): check it is a message.
      if (!isMessage(data)) throw notTheApi(response.status, response.headers.get('content-type'), data, secrets);
      message = data;
      rateLimits = rateLimitsOf(response.headers);
      requestId = request_id ?? null;
    } catch (error) {
      if (error instanceof LlmError) throw error;
      const failure = failureOf(error);
      if (failure === null) throw error; // Not the SDK's: a bug, not a provider failure.
      throw toLlmError(failure, secrets);
    }
    const latencyMs = Math.round(performance.now() - started);
    const usage = usageOf(message);
    const context = { usage, requestId };
    const block = message.content.find((item) => item.type === 'tool_use' && item.name === request.schemaName);
    if (block?.type !== 'tool_use') {
      const text = message.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
      throw invalidAnswer(`no ${request.schemaName} tool call in the answer (stop_reason ${message.stop_reason ?? 'null'})`, text, [], context);
    }
    const raw = JSON.stringify(block.input);
    if (message.stop_reason === 'max_tokens') {
      throw invalidAnswer('the answer was cut at max_tokens', raw, [], context);
    }
    const value = validateAnswer(request.schema, block.input, raw, context);
    return { value, raw, usage, latencyMs, requestId, model: message.model, rateLimits };
  }

  return { provider: 'anthropic', model: config.model, complete };
}

/** Anthropic's input_tokens exclude cache reads and writes: add them so inputTokens is the whole prompt. */
export function usageOf(message: Message): TokenUsage {
  const usage = message.usage;
  const cached = usage.cache_read_input_tokens ?? 0;
  const writes = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + cached + writes,
    cachedTokens: cached,
    outputTokens: usage.output_tokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
    cacheWriteTokens: writes,
  };
}

function isMessage(data: unknown): data is Message {
  return typeof data === 'object' && data !== null && Array.isArray((data as { content?: unknown }).content);
}

function failureOf(error: unknown): Failure | null {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted', message };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout', message };
  if (error instanceof Anthropic.APIConnectionError) {
    const cause = neverSentCause(error);
    return cause === null ? { kind: 'connection', message } : { kind: 'unreachable', message: cause };
  }
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    return { kind: 'api', status: error.status, headers: error.headers as Headers | undefined, requestId: error.requestID ?? null, message };
  }
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message };
  return null;
}

/**
 * OpenAI (and any OpenAI-compatible server: Ollama, vLLM, LM Studio, llm-sim) through the official
 * SDK: Chat Completions with Structured Outputs (a strict JSON schema from the zod schema). The
 * system prompt is the first message so OpenAI's automatic prefix cache hits across calls.
 * Reasoning models (gpt-5*, o-series) get reasoning_effort and no temperature; others get
 * temperature 0. The SDK never retries (maxRetries: 0): the caller owns retries.
 */
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { LlmConfig } from './config.js';
import { invalidAnswer, parseAnswer } from './answer.js';
import { neverSentCause, notTheApi, toLlmError, type Failure } from './errors.js';
import { strictJsonSchema } from './json-schema.js';
import { rateLimitsOf, type RateLimits } from './rate-limits.js';
import { LlmError, type LlmProvider, type StructuredRequest, type StructuredResponse, type TokenUsage } from './provider.js';

/** The o-series and gpt-5 reason (the "-chat" variants do not). */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model) && !model.includes('-chat');
}

export function createOpenAiProvider(config: LlmConfig): LlmProvider {
  const client = new OpenAI({
    // The SDK refuses an empty key; a local server that needs none gets a placeholder.
    apiKey: config.apiKey ?? 'no-key',
    baseURL: config.baseUrl ?? undefined,
    maxRetries: 0,
    timeout: config.timeoutMs,
  });
  const secrets = [config.apiKey];
  const reasoning = isReasoningModel(config.model);

  async function complete<T>(request: StructuredRequest<T>): Promise<StructuredResponse<T>> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: config.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: request.schemaName, strict: true, schema: strictJsonSchema(request.schema) },
      },
      ...(reasoning ? { reasoning_effort: config.reasoningEffort } : { temperature: 0 }),
      ...(request.maxOutputTokens === undefined ? {} : { max_completion_tokens: request.maxOutputTokens }),
    };
    const started = performance.now();
    let completion: ChatCompletion;
    let requestId: string | null;
    let rateLimits: RateLimits;
    try {
      const { data, request_id, response } = await client.chat.completions.create(body, { signal: request.signal }).withResponse();
      // The SDK hands back any 2xx body as it came (a string for an HTML page): check it is a completion.
      if (!isCompletion(data)) throw notTheApi(response.status, response.headers.get('content-type'), data, secrets);
      completion = data;
      rateLimits = rateLimitsOf(response.headers);
      requestId = request_id;
    } catch (error) {
      if (error instanceof LlmError) throw error;
      const failure = failureOf(error);
      if (failure === null) throw error; // Not the SDK's: a bug, not a provider failure.
      throw toLlmError(failure, secrets);
    }
    const latencyMs = Math.round(performance.now() - started);
    const usage = usageOf(completion);
    const context = { usage, requestId };
    const choice = completion.choices[0];
    const message = choice?.message;
    if (message?.refusal) throw invalidAnswer(`the model refused: ${message.refusal}`, message.refusal, [], context);
    const raw = message?.content ?? '';
    if (choice?.finish_reason === 'length') {
      throw invalidAnswer('the answer was cut at the output token limit (finish_reason "length")', raw, [], context);
    }
    const value = parseAnswer(request.schema, raw, context);
    return { value, raw, usage, latencyMs, requestId, model: completion.model, rateLimits };
  }

  return { provider: config.provider, model: config.model, complete };
}

export function usageOf(completion: ChatCompletion): TokenUsage {
  const usage = completion.usage;
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function isCompletion(data: unknown): data is ChatCompletion {
  return typeof data === 'object' && data !== null && Array.isArray((data as { choices?: unknown }).choices);
}

function failureOf(error: unknown): Failure | null {
  const message = error instanceof Error ? error.message : String(error);
  // Subclasses first: an abort and a timeout are also APIErrors / connection errors.
  if (error instanceof OpenAI.APIUserAbortError) return { kind: 'aborted', message };
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'timeout', message };
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = neverSentCause(error);
    return cause === null ? { kind: 'connection', message } : { kind: 'unreachable', message: cause };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    return { kind: 'api', status: error.status, headers: error.headers as Headers | undefined, requestId: error.requestID ?? null, message };
  }
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message };
  return null;
}

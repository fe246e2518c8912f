/**
 * POST /v1/chat/completions: from the raw body to what to send (or to hold), with every number
 * the log needs. Pure apart from the limiter, cache and fault draws it is given; the HTTP side
 * (waiting, sending, logging) is server.ts's.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { answerForSchema, answerWithoutSchema, classifyAll, findIndicators } from './answer.js';
import { BAD_JSON, errorBody, invalidRequest, rateLimited, type ApiError } from './errors.js';
import { malformContent, type FaultInjector } from './faults.js';
import type { ResolvedLlmSimOptions } from './options.js';
import type { PromptCache } from './prompt-cache.js';
import { formatDuration, type LimitState, type RateLimiter } from './rate-limit.js';
import { messageText, parseChatRequest, type ChatRequest } from './request.js';
import { isRecord, requiredOf, resolveRef, strictSchemaProblem, type Json, type SchemaNode } from './schema.js';
import {
  decodeTokens,
  isReasoningModel,
  promptTokens,
  reasoningTokens,
  textTokens,
  type CountedMessage,
} from './tokens.js';

export type ChatDeps = {
  options: ResolvedLlmSimOptions;
  limiter: RateLimiter;
  cache: PromptCache;
  faults: FaultInjector;
  /** system_fingerprint of this simulator instance. */
  fingerprint: string;
};

export type Usage = { prompt: number; cached: number; completion: number; reasoning: number; indicators: number };

export type Outcome = {
  /** Send this after waitMs; or, when `hold`, send nothing and cut the connection after waitMs. */
  hold: boolean;
  waitMs: number;
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
  model: string | null;
  usage: Usage;
  fault: string | null;
  error: string | null;
  /** questionFingerprints of the request's indicators (empty when it carried none). */
  questions?: string[] | undefined;
};

/**
 * One fingerprint per indicator of the request: sha256 of the response format's name (the stage)
 * and the indicator without its request-local id, 12 hex digits. The same question asked twice has
 * the same fingerprint in both requests, so the log shows what was paid for more than once.
 */
export function questionFingerprints(formatName: string, raw: readonly unknown[]): string[] {
  return raw.map((item) => {
    const rest = isRecord(item) ? Object.fromEntries(Object.entries(item).filter(([name]) => name !== 'id')) : { value: item };
    return createHash('sha256').update(`${formatName}\0${JSON.stringify(rest)}`).digest('hex').slice(0, 12);
  });
}

const NO_USAGE: Usage = { prompt: 0, cached: 0, completion: 0, reasoning: 0, indicators: 0 };

/** An immediate JSON answer that used no tokens. */
export function jsonReply(status: number, body: unknown): Outcome {
  const reply = { status, contentType: 'application/json', body: JSON.stringify(body) };
  return { ...reply, hold: false, waitMs: 0, headers: {}, model: null, usage: NO_USAGE, fault: null, error: null };
}

export function failure(error: ApiError, model: string | null = null, headers: Record<string, string> = {}): Outcome {
  return { ...jsonReply(error.status, errorBody(error)), headers, model, error: error.message };
}

/** OpenAI's x-ratelimit-* headers for the limits that are configured. */
export function rateLimitHeaders(state: LimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  if (state.limitRequests !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(state.limitRequests);
    headers['x-ratelimit-remaining-requests'] = String(state.remainingRequests);
    headers['x-ratelimit-reset-requests'] = formatDuration(state.resetRequestsMs);
  }
  if (state.limitTokens !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(state.limitTokens);
    headers['x-ratelimit-remaining-tokens'] = String(state.remainingTokens);
    headers['x-ratelimit-reset-tokens'] = formatDuration(state.resetTokensMs);
  }
  return headers;
}

/** Parameters the real API refuses for the model: caught here rather than in production. */
function unsupportedParameter(request: ChatRequest): ApiError | undefined {
  if (request.stream === true) {
    return invalidRequest('llm-sim: streaming is not supported by the simulator; send stream: false.', 'stream', 'unsupported_value');
  }
  const reasoning = isReasoningModel(request.model);
  if (reasoning && request.max_tokens != null) {
    return invalidRequest(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'max_tokens',
      'unsupported_parameter',
    );
  }
  if (!reasoning && request.reasoning_effort != null) {
    return invalidRequest(
      "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      'reasoning_effort',
      'unsupported_parameter',
    );
  }
  const format = request.response_format;
  if (format?.type === 'json_object' && !request.messages.some((m) => /json/i.test(messageText(m)))) {
    return invalidRequest(
      "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      'messages',
    );
  }
  if (format?.type === 'json_schema' && format.json_schema.strict === true) {
    const problem = strictSchemaProblem(format.json_schema.schema ?? {});
    if (problem) return invalidSchema(format.json_schema.name, problem);
  }
  return undefined;
}

function invalidSchema(name: string, problem: string): ApiError {
  return invalidRequest(`Invalid schema for response_format '${name}': ${problem}`, 'response_format');
}

/** What the prompt counts: the schema and tools as sent (raw key order), then the messages. */
function countedMessages(body: unknown, request: ChatRequest): CountedMessage[] {
  const counted: CountedMessage[] = [];
  const rawFormat = isRecord(body) && isRecord(body.response_format) ? body.response_format : undefined;
  if (rawFormat?.type === 'json_schema') counted.push({ role: 'system', content: JSON.stringify(rawFormat.json_schema) });
  if (request.tools && request.tools.length > 0) counted.push({ role: 'system', content: JSON.stringify(request.tools) });
  for (const message of request.messages) counted.push({ role: message.role, content: messageText(message) });
  return counted;
}

type Completion = { content: string; visible: number; reasoning: number; finish: 'stop' | 'length' };

/** The answer's token counts; cut to max_completion_tokens (finish_reason "length") as the API does. */
function completion(content: string, request: ChatRequest, fraction: number): Completion {
  const tokens = textTokens(content);
  let reasoning = reasoningTokens(request.model, tokens.length, fraction, request.reasoning_effort);
  const limit = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (limit === undefined || tokens.length + reasoning <= limit) {
    return { content, visible: tokens.length, reasoning, finish: 'stop' };
  }
  reasoning = Math.min(reasoning, limit);
  const kept = tokens.slice(0, limit - reasoning);
  return { content: decodeTokens(kept), visible: kept.length, reasoning, finish: 'length' };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function completionId(): string {
  return `chatcmpl-${[...randomBytes(29)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length] ?? 'A').join('')}`;
}

export function completeChat(deps: ChatDeps, keyId: string, rawBody: string, now: number): Outcome {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return failure(BAD_JSON);
  }
  const parsed = parseChatRequest(body);
  if (!parsed.ok) return failure(parsed.error, isRecord(body) && typeof body.model === 'string' ? body.model : null);
  const request = parsed.request;
  const model = request.model;
  const refused = unsupportedParameter(request);
  if (refused) return failure(refused, model);

  const format = request.response_format;
  const schema: SchemaNode | undefined = format?.type === 'json_schema' ? (format.json_schema.schema ?? {}) : undefined;
  const lastUser = request.messages.findLast((message) => message.role === 'user');
  const raw = lastUser ? (findIndicators(messageText(lastUser)) ?? []) : [];
  const items = classifyAll(raw);
  const questions = questionFingerprints(format?.type === 'json_schema' ? format.json_schema.name : '', raw);
  // The drop fault: one indicator of a batch goes unanswered (the answer still fits the schema).
  const dropped = deps.faults.drawDrop(items.length);
  const kept = dropped === undefined ? items : items.filter((_, index) => index !== dropped);
  let answer: Json;
  try {
    answer = schema ? answerForSchema(schema, kept) : answerWithoutSchema(kept);
  } catch (error) {
    const name = format?.type === 'json_schema' ? format.json_schema.name : 'response_format';
    return failure(invalidSchema(name, error instanceof Error ? error.message : String(error)), model);
  }
  const valid = JSON.stringify(answer);

  const prompt = promptTokens(countedMessages(body, request));
  const n = request.n ?? 1;
  const expected = completion(valid, request, deps.options.reasoningFraction);
  const limit = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const requested = prompt.length + (limit ?? expected.visible + expected.reasoning) * n;
  const admission = deps.limiter.admit(keyId, requested, now);
  if (!admission.ok) {
    const retryAfter = formatDuration(admission.retryAfterMs);
    const outcome = failure(rateLimited(model, { ...admission, retryAfter }), model, {
      ...rateLimitHeaders(admission.state),
      'retry-after': String(Math.ceil(admission.retryAfterMs / 1000)),
      'retry-after-ms': String(Math.round(admission.retryAfterMs)),
    });
    return { ...outcome, fault: `rate-limit-${admission.kind}`, questions };
  }

  const scope = [keyId, model, request.prompt_cache_key ?? ''].join('\0');
  const cached = deps.cache.lookupAndStore(scope, prompt, now);
  const { fault, latencyMs } = deps.faults.draw();
  const indicators = items.length;

  if (fault.kind === 'timeout' || fault.kind === 'error') {
    deps.limiter.settle(admission.entry, prompt.length);
    const usage = { ...NO_USAGE, prompt: prompt.length, indicators };
    const headers = rateLimitHeaders(deps.limiter.current(keyId, now));
    if (fault.kind === 'timeout') {
      const held = { hold: true, waitMs: deps.options.timeoutMs, status: 0, contentType: 'application/json', body: '' };
      return { ...held, headers, model, usage, fault: 'timeout', error: null, questions };
    }
    const { status, contentType, body: errorText } = fault;
    const reply = { hold: false, waitMs: latencyMs, status, contentType, body: errorText };
    return { ...reply, headers, model, usage, fault: `error-${status}`, error: null, questions };
  }

  const rootRequired = schema ? requiredOf(resolveRef(schema, schema)) : ['results'];
  const content = fault.kind === 'malformed' ? malformContent(valid, fault.variant, rootRequired) : valid;
  const answered = content === valid ? expected : completion(content, request, deps.options.reasoningFraction);
  const completionTokens = (answered.visible + answered.reasoning) * n;
  deps.limiter.settle(admission.entry, prompt.length + completionTokens);

  const response: ChatCompletion = {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: Array.from({ length: n }, (_, index) => ({
      index,
      message: { role: 'assistant' as const, content: answered.content, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: answered.finish,
    })),
    usage: {
      prompt_tokens: prompt.length,
      completion_tokens: completionTokens,
      total_tokens: prompt.length + completionTokens,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: answered.reasoning * n,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    // Deprecated in the SDK's types, yet the real API still sends it.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    system_fingerprint: deps.fingerprint,
  };
  return {
    hold: false,
    waitMs: latencyMs + deps.options.msPerOutputToken * completionTokens,
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify(response),
    headers: rateLimitHeaders(deps.limiter.current(keyId, now)),
    model,
    usage: { prompt: prompt.length, cached, completion: completionTokens, reasoning: answered.reasoning * n, indicators },
    fault: fault.kind === 'malformed' ? `malformed-${fault.variant}` : dropped === undefined ? null : 'dropped-item',
    error: null,
    questions,
  };
}

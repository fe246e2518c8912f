/**
 * The one small interface every LLM provider implements, and the one error type they all throw.
 * Providers never retry (their SDK clients run with maxRetries: 0): the caller (a durable
 * workflow step) owns retries, so a failure is reported once, classified, with what the caller
 * needs to decide (retryAfterMs for 429, the raw answer and its usage for a bad answer).
 */
import type { z } from 'zod';
import { NO_RATE_LIMITS, type RateLimits } from './rate-limits.js';

export type ProviderName = 'openai' | 'anthropic' | 'openai-compatible';

/** Token counts from the API's usage. The subsets are included in their totals, never added. */
export type TokenUsage = {
  /** Every prompt token (fresh + cached + cache writes). */
  inputTokens: number;
  /** Of inputTokens: read from the prompt cache (billed at the cached rate). */
  cachedTokens: number;
  /** Every completion token, reasoning included (OpenAI bills reasoning as output). */
  outputTokens: number;
  /** Of outputTokens: hidden reasoning. */
  reasoningTokens: number;
  /** Of inputTokens: written to the prompt cache (Anthropic bills these at 1.25× input). */
  cacheWriteTokens?: number;
};

export const NO_USAGE: TokenUsage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export type StructuredRequest<T> = {
  /** The static, cacheable prefix: identical across calls so the provider's prompt cache hits. */
  system: string;
  /** Everything variable. */
  user: string;
  /** Names the JSON schema / tool: a-z, A-Z, 0-9, _ and -, at most 64 characters. */
  schemaName: string;
  schema: z.ZodType<T>;
  maxOutputTokens?: number;
  signal?: AbortSignal;
};

export type StructuredResponse<T> = {
  /** The answer, validated by `schema`. */
  value: T;
  /** The answer as the API sent it. */
  raw: string;
  usage: TokenUsage;
  latencyMs: number;
  requestId: string | null;
  /** The model that answered, as the API names it (may be a dated snapshot). */
  model: string;
  /** What the provider's headers said about its limits (the shared budget adapts to them). */
  rateLimits: RateLimits;
};

export interface LlmProvider {
  readonly provider: ProviderName;
  readonly model: string;
  complete<T>(request: StructuredRequest<T>): Promise<StructuredResponse<T>>;
}

export type LlmErrorKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  /** The request never left this machine (connection refused, DNS failure): the provider did not see it. */
  | 'unreachable'
  | 'invalid-answer'
  /** A success status whose body is not the API's answer (an HTML page, a proxy's): not an LLM API. */
  | 'invalid-response'
  | 'invalid-request'
  | 'auth'
  /** The caller's AbortSignal fired: not a failure of the provider, never retried. */
  | 'aborted';

export type LlmErrorDetails = {
  status?: number | null;
  requestId?: string | null;
  /** rate-limit: how long the API asked to wait (null: it did not say). */
  retryAfterMs?: number | null;
  /** invalid-answer: the text that failed, why, and what the failed call used (it is billed). */
  raw?: string | null;
  issues?: readonly z.core.$ZodIssue[];
  usage?: TokenUsage;
  /** The failed response's rate-limit headers (a 429's say which limit was hit). */
  rateLimits?: RateLimits;
};

/**
 * A classified provider failure. Its message is redacted (no API key, no bearer token) and it
 * keeps no reference to the SDK error, whose request options could hold the key.
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly status: number | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  readonly raw: string | null;
  readonly issues: readonly z.core.$ZodIssue[];
  readonly usage: TokenUsage;
  readonly rateLimits: RateLimits;

  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    details: LlmErrorDetails = {},
  ) {
    super(message);
    this.status = details.status ?? null;
    this.requestId = details.requestId ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.raw = details.raw ?? null;
    this.issues = details.issues ?? [];
    this.usage = details.usage ?? NO_USAGE;
    this.rateLimits = details.rateLimits ?? NO_RATE_LIMITS;
  }

  /** Worth another attempt by the caller (bounded by the caller's own policy). */
  get retryable(): boolean {
    return ['rate-limit', 'server', 'timeout', 'network', 'unreachable', 'invalid-answer'].includes(this.kind);
  }

  /** False only when the request never reached the provider (it is not one of the provider's requests). */
  get reachedProvider(): boolean {
    return this.kind !== 'unreachable';
  }
}

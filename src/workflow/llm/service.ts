/** What the LLM steps of an endpoint need: a provider, the database, prices, caps, batching. */
import type pg from 'pg';
import { loadLlmConfig, type LlmConfig } from '../../llm/config.js';
import { createProvider } from '../../llm/index.js';
import { loadPricingTable, type PricingTable } from '../../llm/pricing.js';
import type { LlmProvider } from '../../llm/provider.js';
import { createRequestPacer, DEFAULT_LLM_CONCURRENCY, type RequestPacer } from '../../llm/request-pacer.js';
import { NO_CAPS, type BudgetCaps } from '../../llm/budget.js';
import { budgetKey } from './budget.js';
import { askerTimings, type AskerTimings } from './lease.js';
import { DEFAULT_BATCH_SIZE } from '../../llm/stages/batch.js';
import type { CacheKey } from '../../db/llm.js';
import { PROMPT_VERSION } from '../../llm/prompt/system.js';
import type { LlmStage } from '../../llm/stages/schemas.js';

/**
 * Retries of one LLM request, owned here alone (the SDK's retries are off): a 429 waits as long
 * as its retry-after header says (or the backoff when it says nothing), for at most
 * `maxRateLimitWaitMs` in all — a rate limit means "later", not "broken"; 5xx / timeouts / network
 * errors back off exponentially, at most `maxAttempts` attempts. Then the question ends without an
 * answer (the rules' field is kept, flagged).
 */
export interface LlmRetry {
  readonly maxAttempts: number;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly maxRateLimitWaitMs: number;
}

export const LLM_RETRY: LlmRetry = { maxAttempts: 6, initialMs: 1_000, maxMs: 30_000, maxRateLimitWaitMs: 10 * 60_000 };

export const DEFAULT_MAX_BATCH_WAIT_MS = 1_000;

/**
 * What this process has learned about the provider. Once it refused the key (`auth`), no further
 * request is made: every question after that keeps the rules' answer at once (a revoked key does
 * not come back by retrying). In memory on purpose: a restarted endpoint tries the key again.
 */
export interface LlmHealth {
  /** The auth failure's message (redacted), once the provider refused the key. */
  refused: string | null;
}

/** Tells the person running the process what the LLM is doing when it would otherwise look stuck. */
export type LlmNotice = (line: string) => void;

/** At most one rate-limit notice per this long: a storm of 429s is one line every so often, not one per request. */
export const NOTICE_EVERY_MS = 10_000;

export interface LlmService {
  readonly provider: LlmProvider;
  /** What the provider was made from: a question for another model of the same provider is asked with it (withModel). */
  readonly config?: LlmConfig | undefined;
  readonly pool: pg.Pool;
  readonly pricing: Readonly<PricingTable>;
  /** At most this many requests of this process open at once. */
  readonly pacer: RequestPacer;
  /** This process's own caps (`serve --rpm/--tpm`): the shared budget applies them with the run's. */
  readonly caps: BudgetCaps;
  /** The shared budget's key for this provider and model. */
  readonly budgetKey: string;
  /** Distinct questions per request. */
  readonly batchSize: number;
  /** How long a question waits for others to fill its batch. */
  readonly maxBatchWaitMs: number;
  readonly retry: LlmRetry;
  /** The asker's time bounds and lease, from the provider's timeout (lease.ts). */
  readonly timings: AskerTimings;
  readonly health: LlmHealth;
  /** Called (throttled) while requests wait out a rate limit. */
  readonly notice: LlmNotice;
}

export function cacheKey(llm: Pick<LlmService, 'provider'>, stage: LlmStage, signature: string): CacheKey {
  return { signature, stage, ...cacheVersion(llm) };
}

/** What a cached answer is valid for besides its question: the prompt version and the model. */
export function cacheVersion(llm: Pick<LlmService, 'provider'>): { promptVersion: string; model: string } {
  return { promptVersion: PROMPT_VERSION, model: llm.provider.model };
}

export interface LlmServiceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly rpm?: number | null | undefined;
  readonly tpm?: number | null | undefined;
  readonly concurrency?: number | undefined;
  readonly batchSize?: number | undefined;
  readonly maxBatchWaitMs?: number | undefined;
  readonly retry?: LlmRetry | undefined;
  /** Where "waiting out a rate limit" lines go (default: nowhere). */
  readonly notice?: LlmNotice | undefined;
}

/** The endpoint's LLM from the environment / .env (src/llm/config.ts); undefined when none is configured. */
export function llmServiceFromEnv(pool: pg.Pool, options: LlmServiceOptions = {}): LlmService | undefined {
  const config = loadLlmConfig(options.env === undefined ? {} : { env: options.env });
  const provider = createProvider(config);
  if (config === null || provider === null) return undefined;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  return {
    provider,
    config,
    pool,
    pricing: loadPricingTable({ file: config.pricingFile }),
    pacer: createRequestPacer(options.concurrency ?? DEFAULT_LLM_CONCURRENCY),
    caps: { ...NO_CAPS, rpm: options.rpm ?? null, tpm: options.tpm ?? null },
    budgetKey: budgetKey(provider.provider, provider.model),
    batchSize,
    maxBatchWaitMs: options.maxBatchWaitMs ?? DEFAULT_MAX_BATCH_WAIT_MS,
    retry: options.retry ?? LLM_RETRY,
    timings: askerTimings(config.timeoutMs),
    health: { refused: null },
    notice: throttled(options.notice ?? (() => undefined)),
  };
}

/**
 * This endpoint's LLM as it asks `model` (the model a workflow's policy names): itself when it is
 * that model or none is named; the same provider, key and settings with that model otherwise (its
 * own budget key and cache key); null when it cannot (no config to make it from). The request slots,
 * health and notices stay this process's.
 */
export function withModel(llm: LlmService, model: string | undefined): LlmService | null {
  if (model === undefined || model === llm.provider.model) return llm;
  if (llm.config === undefined) return null;
  const provider = createProvider({ ...llm.config, model });
  if (provider === null) return null;
  return { ...llm, provider, config: { ...llm.config, model }, budgetKey: budgetKey(provider.provider, model) };
}

/** `notice` at most once per NOTICE_EVERY_MS. */
export function throttled(notice: LlmNotice, now: () => number = Date.now): LlmNotice {
  let lastAt = -Infinity;
  return (line) => {
    if (now() - lastAt < NOTICE_EVERY_MS) return;
    lastAt = now();
    notice(line);
  };
}

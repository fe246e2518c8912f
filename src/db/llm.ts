/**
 * The LLM stages in the database: the answer cache, the request log and the run totals. Every write
 * is ONE statement (see classifications.ts: the embedded server shares one session, and a single
 * statement is atomic everywhere), and every write is idempotent under a workflow replay: request
 * and hit ids are deterministic, so a journaled step that runs again inserts nothing new.
 *
 * Cache hits are attributed to runs through llm_cache_hits: one row per (workflow key + stage) that
 * was answered from the cache, with the run it served. llm_cache.hits is the all-time counter (how
 * much an answer saved); a run's cache_hits counts its rows in llm_cache_hits. No API key or prompt
 * text is stored: only signatures, answers, token counts and costs.
 */
import type pg from 'pg';
import type { LlmErrorKind, ProviderName, TokenUsage } from '../llm/provider.js';
import { LLM_STAGES, type LlmStage } from '../llm/stages/schemas.js';
import { runLlmFallback, runLlmOutcomes, type FallbackCauses, type LlmOutcomes } from './llm-outcomes.js';

/**
 * A request's outcome: `ok`, `partial` (a batch answer with some items missing or invalid, as
 * src/llm/stages/batch.ts reports it), or the LlmError kind it failed with. Growing the list needs
 * a migration that replaces llm_requests_status_enum (see 004-llm-outcomes.ts).
 */
export const LLM_REQUEST_STATUSES = [
  'ok',
  'partial',
  'rate-limit',
  'server',
  'timeout',
  'network',
  'unreachable',
  'invalid-answer',
  'invalid-response',
  'invalid-request',
  'auth',
  'aborted',
] as const;
export type LlmRequestStatus = (typeof LLM_REQUEST_STATUSES)[number];
/** Compile-time: every LlmErrorKind is a status (a new kind breaks the build until added here and migrated). */
export const STATUSES_COVER_ERROR_KINDS: [Exclude<LlmErrorKind, LlmRequestStatus>] extends [never] ? true : never = true;

/**
 * Outcomes of attempts that never left this machine (connection refused, DNS failure): recorded
 * as rows, so the report can say so, but not counted in `llm_requests` — the provider never saw them.
 */
export const UNSENT_STATUSES: readonly LlmRequestStatus[] = ['unreachable'];

/** What a request row is for: an LLM stage, or the run's preflight (one tiny request before submitting). */
export const LLM_REQUEST_STAGES = [...LLM_STAGES, 'preflight'] as const;
export type LlmRequestStage = (typeof LLM_REQUEST_STAGES)[number];

/** What one cached answer is keyed by: the same question, asked the same way, of the same model. */
export interface CacheKey {
  /** signature(...).hash */
  readonly signature: string;
  readonly stage: LlmStage;
  readonly promptVersion: string;
  readonly model: string;
}

/** Who a cache hit served: `id` is deterministic (workflow key + stage), so a replay counts once. */
export interface CacheHit {
  readonly id: string;
  readonly runId: string;
}

/**
 * The cached answer, or null. With `hit`, the read is logged for that run and counted in
 * llm_cache.hits, both only the first time `hit.id` is seen (one statement; a replay changes nothing).
 */
export async function getCachedAnswer(pool: pg.Pool, key: CacheKey, hit?: CacheHit): Promise<unknown> {
  const keyValues = [key.signature, key.stage, key.promptVersion, key.model];
  const where = 'signature = $1 AND stage = $2 AND prompt_version = $3 AND model = $4';
  if (hit === undefined) {
    const { rows } = await pool.query<{ answer: unknown }>(`SELECT answer FROM llm_cache WHERE ${where}`, keyValues);
    return rows[0]?.answer ?? null;
  }
  const { rows } = await pool.query<{ answer: unknown }>(
    `WITH found AS (SELECT answer FROM llm_cache WHERE ${where}),
     logged AS (
       INSERT INTO llm_cache_hits (id, run_id, signature, stage, prompt_version, model)
       SELECT $5, $6, $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM found)
       ON CONFLICT (id) DO NOTHING RETURNING id
     ),
     counted AS (UPDATE llm_cache SET hits = hits + 1 WHERE ${where} AND EXISTS (SELECT 1 FROM logged) RETURNING answer)
     SELECT answer FROM found`,
    [...keyValues, hit.id, hit.runId],
  );
  return rows[0]?.answer ?? null;
}

/** One stage's question, as the cache keys it within a prompt version and model. */
export interface CachedQuestion {
  readonly stage: LlmStage;
  readonly signature: string;
}

/**
 * The cached answers to these questions, in one read, keyed `stage:signature` (cachedQuestionId);
 * a plain read: the workflow logs its hits with its save.
 */
export async function getCachedAnswers(
  pool: pg.Pool,
  questions: readonly CachedQuestion[],
  version: { promptVersion: string; model: string },
): Promise<Record<string, unknown>> {
  if (questions.length === 0) return {};
  const { rows } = await pool.query<{ stage: string; signature: string; answer: unknown }>(
    `SELECT c.stage, c.signature, c.answer FROM llm_cache c
     JOIN unnest($1::text[], $2::text[]) AS q(stage, signature) ON c.stage = q.stage AND c.signature = q.signature
     WHERE c.prompt_version = $3 AND c.model = $4`,
    [questions.map((q) => q.stage), questions.map((q) => q.signature), version.promptVersion, version.model],
  );
  return Object.fromEntries(rows.map((row) => [cachedQuestionId(row), row.answer]));
}

/** How getCachedAnswers keys an answer. */
export function cachedQuestionId(question: { readonly stage: string; readonly signature: string }): string {
  return `${question.stage}:${question.signature}`;
}

export interface PutResult {
  /** The answer now cached: this caller's, or the one that got there first. */
  readonly answer: unknown;
  /** True when this caller's answer (its request id) is the cached one. */
  readonly stored: boolean;
}

/**
 * Caches `answer` unless the key already has one, and returns the cached answer either way, so
 * workflows racing on one signature all continue with the same answer (putCachedAnswers, one row).
 */
export async function putCachedAnswer(pool: pg.Pool, key: CacheKey, answer: unknown, requestId: string): Promise<PutResult> {
  const [put] = await putCachedAnswers(pool, { promptVersion: key.promptVersion, model: key.model }, [{ stage: key.stage, signature: key.signature, answer }], requestId);
  if (put === undefined) throw new Error('llm cache: the put returned no row');
  return put;
}

/** One answer to cache: a stage's question and what the provider said. */
export interface AnswerToCache extends CachedQuestion {
  readonly answer: unknown;
}

/**
 * Caches every answer of one request in one statement (the answers of a request are durable
 * together, as soon as possible after the provider sent them: an answer not yet cached when the
 * process dies is paid again), each unless its key already has one, and returns what is cached for
 * each, in order. ON CONFLICT DO UPDATE (a no-op) rather than DO NOTHING + SELECT: on Postgres a row
 * committed by a concurrent put after this statement's snapshot is invisible to a SELECT, but DO
 * UPDATE locks and returns it. The questions must be distinct (one statement cannot touch a row twice).
 */
export async function putCachedAnswers(
  pool: pg.Pool,
  version: { promptVersion: string; model: string },
  answers: readonly AnswerToCache[],
  requestId: string,
): Promise<PutResult[]> {
  if (answers.length === 0) return [];
  const { rows } = await pool.query<{ stage: string; signature: string; answer: unknown; stored: boolean }>(
    `INSERT INTO llm_cache AS c (signature, stage, prompt_version, model, answer, request_id)
     SELECT q.signature, q.stage, $4, $5, q.answer, $6 FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS q(stage, signature, answer)
     ON CONFLICT (signature, stage, prompt_version, model) DO UPDATE SET hits = c.hits
     RETURNING c.stage, c.signature, c.answer, c.request_id IS NOT DISTINCT FROM $6 AS stored`,
    [answers.map((a) => a.stage), answers.map((a) => a.signature), answers.map((a) => JSON.stringify(a.answer)), version.promptVersion, version.model, requestId],
  );
  const byQuestion = new Map(rows.map((row) => [cachedQuestionId(row), { answer: row.answer, stored: row.stored }]));
  return answers.map((a) => {
    const put = byQuestion.get(cachedQuestionId(a));
    if (put === undefined) throw new Error(`llm cache: the put returned no row for ${cachedQuestionId(a)}`);
    return put;
  });
}

/** One LLM request as stored: no prompt, no key, only what accounting needs. */
export interface LlmRequestRecord {
  /** Deterministic: workflow key + stage + attempt. */
  readonly id: string;
  readonly runId: string;
  readonly stage: LlmRequestStage;
  readonly provider: ProviderName;
  readonly model: string;
  /** Indicators the request answered for (> 1 when batched). */
  readonly indicators: number;
  /** From the API's usage; a failed call that was billed (invalid answer) keeps its usage. */
  readonly usage: TokenUsage;
  readonly latencyMs: number;
  readonly status: LlmRequestStatus;
  /** costUsd(model, usage); null when the model has no price. */
  readonly costUsd: number | null;
}

/** Of these (stage, signature) questions, the ones with a cached answer for this prompt version and model ("stage:signature"). */
export async function cachedQuestions(
  pool: pg.Pool,
  key: { promptVersion: string; model: string },
  questions: readonly { stage: LlmStage; signature: string }[],
): Promise<Set<string>> {
  if (questions.length === 0) return new Set();
  const { rows } = await pool.query<{ question: string }>(
    `SELECT c.stage || ':' || c.signature AS question
       FROM llm_cache c JOIN unnest($3::text[], $4::text[]) AS q(stage, signature) ON c.stage = q.stage AND c.signature = q.signature
      WHERE c.prompt_version = $1 AND c.model = $2`,
    [key.promptVersion, key.model, questions.map((q) => q.stage), questions.map((q) => q.signature)],
  );
  return new Set(rows.map((row) => row.question));
}

/** Stores a request once: a second call with the same id (a replay) inserts nothing and returns false. */
export async function recordLlmRequest(pool: pg.Pool, record: LlmRequestRecord): Promise<boolean> {
  const u = record.usage;
  const { rowCount } = await pool.query(
    `INSERT INTO llm_requests (id, run_id, stage, provider, model, indicators, input_tokens, cached_tokens,
       output_tokens, reasoning_tokens, latency_ms, status, cost_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (id) DO NOTHING`,
    [
      record.id,
      record.runId,
      record.stage,
      record.provider,
      record.model,
      record.indicators,
      u.inputTokens,
      u.cachedTokens,
      u.outputTokens,
      u.reasoningTokens,
      Math.round(record.latencyMs),
      record.status,
      record.costUsd,
    ],
  );
  return rowCount === 1;
}

export interface LlmTotals {
  /** Requests that reached the provider (every outcome but UNSENT_STATUSES), the preflight included. */
  readonly llm_requests: number;
  readonly input_tokens: number;
  readonly cached_tokens: number;
  readonly output_tokens: number;
  readonly reasoning_tokens: number;
  /** Sum over priced requests. */
  readonly cost_usd: number;
  /** Requests whose model had no price (their cost is missing from cost_usd). */
  readonly unpriced_requests: number;
  /** Indicators in requests that answered (ok or partial: a partial batch counts all its items). */
  readonly answered_indicators: number;
  /** Indicator answers that came from the cache. */
  readonly cache_hits: number;
  /** Rows per outcome, the unsent ones included (only outcomes that occurred). */
  readonly llm_outcomes: LlmOutcomes;
  /** Classifications of the run with at least one LLM stage that kept the rules' answer (flagged for review). */
  readonly llm_fallback_indicators: number;
  /** Stage results of the run that kept the rules' answer because no valid LLM answer came. */
  readonly llm_fallback_fields: number;
  /** Those fields by cause: the request outcome that ended the question, or why none was made. */
  readonly llm_fallback_causes: FallbackCauses;
}

/** The part of LlmTotals one SQL statement sums. */
type RequestTotals = Omit<LlmTotals, 'llm_outcomes' | 'llm_fallback_indicators' | 'llm_fallback_fields' | 'llm_fallback_causes'>;

const UNSENT = `(${UNSENT_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** bigint and numeric come back as text from node-postgres: float8 is exact for these sizes. */
const TOTALS = `
  SELECT count(r.id) FILTER (WHERE r.status NOT IN ${UNSENT})::int AS llm_requests,
    coalesce(sum(r.input_tokens), 0)::float8 AS input_tokens,
    coalesce(sum(r.cached_tokens), 0)::float8 AS cached_tokens,
    coalesce(sum(r.output_tokens), 0)::float8 AS output_tokens,
    coalesce(sum(r.reasoning_tokens), 0)::float8 AS reasoning_tokens,
    coalesce(sum(r.cost_usd), 0)::float8 AS cost_usd,
    (count(r.id) FILTER (WHERE r.status NOT IN ${UNSENT}) - count(r.cost_usd) FILTER (WHERE r.status NOT IN ${UNSENT}))::int AS unpriced_requests,
    coalesce(sum(r.indicators) FILTER (WHERE r.status IN ('ok', 'partial')), 0)::int AS answered_indicators,
    (SELECT count(*) FROM llm_cache_hits WHERE run_id = $1)::int AS cache_hits
  FROM llm_requests r WHERE r.run_id = $1`;

/** A running run's LLM use so far, for its progress line and its stall watch. */
export interface LlmProgress {
  /** Attempts recorded, sent or not: any change is activity (a rate-limited LLM is slow, not stuck). */
  readonly attempts: number;
  /** Requests that reached the provider. */
  readonly requests: number;
  /** Their input + output tokens. */
  readonly tokens: number;
  readonly cost_usd: number;
}

/** One indexed aggregate over the run's requests: cheap enough to poll every half second. */
export async function runLlmProgress(pool: pg.Pool, runId: string): Promise<LlmProgress> {
  const { rows } = await pool.query<LlmProgress>(
    `SELECT count(*)::int AS attempts,
            count(*) FILTER (WHERE status NOT IN ${UNSENT})::int AS requests,
            coalesce(sum(input_tokens + output_tokens), 0)::float8 AS tokens,
            coalesce(sum(cost_usd), 0)::float8 AS cost_usd
       FROM llm_requests WHERE run_id = $1`,
    [runId],
  );
  return rows[0] ?? { attempts: 0, requests: 0, tokens: 0, cost_usd: 0 };
}

/** When each request of the run that reached the provider was made, with its tokens (input + output): for per-minute rates. */
export async function runLlmRequestTimes(pool: pg.Pool, runId: string): Promise<{ at: number; tokens: number }[]> {
  const { rows } = await pool.query<{ at: Date; tokens: number }>(
    `SELECT created_at AS at, (input_tokens + output_tokens)::float8 AS tokens FROM llm_requests
      WHERE run_id = $1 AND status NOT IN ${UNSENT}`,
    [runId],
  );
  return rows.map((row) => ({ at: row.at.getTime(), tokens: row.tokens }));
}

export async function runLlmTotals(pool: pg.Pool, runId: string): Promise<LlmTotals> {
  const { rows } = await pool.query<RequestTotals>(TOTALS, [runId]);
  const totals = rows[0];
  if (totals === undefined) throw new Error('llm totals: no row');
  return withOutcomes(pool, runId, totals);
}

async function withOutcomes(pool: pg.Pool, runId: string, totals: RequestTotals): Promise<LlmTotals> {
  const fallback = await runLlmFallback(pool, runId);
  return {
    ...totals,
    llm_outcomes: await runLlmOutcomes(pool, runId),
    llm_fallback_indicators: fallback.indicators,
    llm_fallback_fields: fallback.fields,
    llm_fallback_causes: fallback.causes,
  };
}

/** Writes the run's LLM totals into its runs row (one statement) and returns them; throws for an unknown run. */
export async function finishRunTotals(pool: pg.Pool, runId: string): Promise<LlmTotals> {
  const { rows } = await pool.query<RequestTotals>(
    `WITH t AS (${TOTALS})
     UPDATE runs SET llm_requests = t.llm_requests, input_tokens = t.input_tokens, cached_tokens = t.cached_tokens,
       output_tokens = t.output_tokens, reasoning_tokens = t.reasoning_tokens, cost_usd = t.cost_usd, cache_hits = t.cache_hits
     FROM t WHERE runs.id = $1
     RETURNING t.*`,
    [runId],
  );
  const totals = rows[0];
  if (totals === undefined) throw new Error(`no run ${JSON.stringify(runId)} to record LLM totals on`);
  return withOutcomes(pool, runId, totals);
}

export interface LlmReport extends Omit<LlmTotals, 'answered_indicators'> {
  /** Null when nothing completed (a cost per indicator of nothing is not a number). */
  readonly cost_per_indicator_usd: number | null;
  readonly cost_per_1000_usd: number | null;
  /** Prompt-cache share: cached / input tokens (0 without input). */
  readonly cached_share: number;
  /** Dedup-cache share: answers from llm_cache / all answers (0 without answers). */
  readonly cache_hit_share: number;
  readonly requests_per_indicator: number | null;
}

/** The run report's LLM part, from the totals and the run's completed indicators. Pure. */
export function reportTotals(totals: LlmTotals, completed: number): LlmReport {
  const per = (value: number) => (completed > 0 ? value / completed : null);
  const answers = totals.answered_indicators + totals.cache_hits;
  const costPerIndicator = per(totals.cost_usd);
  return {
    llm_requests: totals.llm_requests,
    input_tokens: totals.input_tokens,
    cached_tokens: totals.cached_tokens,
    output_tokens: totals.output_tokens,
    reasoning_tokens: totals.reasoning_tokens,
    cost_usd: totals.cost_usd,
    cost_per_indicator_usd: costPerIndicator,
    cost_per_1000_usd: costPerIndicator === null ? null : costPerIndicator * 1000,
    cached_share: totals.input_tokens > 0 ? totals.cached_tokens / totals.input_tokens : 0,
    cache_hits: totals.cache_hits,
    cache_hit_share: answers > 0 ? totals.cache_hits / answers : 0,
    requests_per_indicator: per(totals.llm_requests),
    unpriced_requests: totals.unpriced_requests,
    llm_outcomes: totals.llm_outcomes,
    llm_fallback_indicators: totals.llm_fallback_indicators,
    llm_fallback_fields: totals.llm_fallback_fields,
    llm_fallback_causes: totals.llm_fallback_causes,
  };
}

/**
 * The asker's work for one batch of distinct questions: answers already cached are taken from
 * llm_cache; the rest are asked in one request (answers tied by short ids), and the ids without a
 * valid answer are asked once more.
 *
 * Each request is one journaled step, preceded by a grant from the shared budget (and a durable
 * sleep until it), and followed by a one-way report of what the provider said, so the budget holds
 * across every process and adapts. Retries (429s, transient failures) are durable sleeps between
 * steps, never waits inside one: a long rate limit suspends the asker instead of holding a step
 * open past its abort window. Every request that reached the provider is recorded with its usage
 * and cost (an attempt that never left the machine too, as `unreachable`); every valid answer is
 * cached inside the step that got it, so a replay never pays for it twice. After the provider
 * refused the key, no request is made at all (llm.health).
 */
import { randomUUID } from 'node:crypto';
import { cachedQuestionId, getCachedAnswer, getCachedAnswers, putCachedAnswers, recordLlmRequest, type LlmRequestStatus, type PutResult } from '../../db/llm.js';
import { tighterCaps, type BudgetCaps, type BudgetFeedback, type GrantRequest } from '../../llm/budget.js';
import { costUsd } from '../../llm/pricing.js';
import { LlmError, type LlmErrorKind, type TokenUsage } from '../../llm/provider.js';
import { NO_RATE_LIMITS, type RateLimits } from '../../llm/rate-limits.js';
import { SLOT_BUSY } from '../../llm/request-pacer.js';
import { estimateRequestTokens } from '../../llm/request-tokens.js';
import { askOnce, promptIndicators, type BatchItem, type RequestRecord } from '../../llm/stages/batch.js';
import { fallbackWhy } from '../../llm/stages/merge.js';
import { itemSchema, type LlmStage, type StageAnswer } from '../../llm/stages/schemas.js';
import type { Question, Verdict } from './messages.js';
import type { Acquired } from './budget.js';
import { cacheKey, cacheVersion, type LlmService } from './service.js';

/** What the asker's loop needs from Restate (the asker passes ctx's; tests can run it directly). */
export interface AskRuntime {
  /** A journaled step (ctx.run): its result is replayed, never recomputed. */
  step<T>(name: string, action: () => Promise<T>): Promise<T>;
  /** A durable sleep. */
  sleep(ms: number): Promise<void>;
  /** The shared budget's "when may I send?" for the budget `key`. */
  acquire(key: string, request: GrantRequest): Promise<Acquired>;
  /** Tells the shared budget what the provider said (one-way). */
  report(key: string, signal: BudgetFeedback): void;
  /**
   * The batcher's lease (batcher.ts `lease`): "still at these for `ms`"; answers the signatures that
   * are still this asker's (the others were answered meanwhile or handed to another asker).
   */
  lease(signatures: readonly string[], ms: number): Promise<string[]>;
}

export interface Batch {
  readonly stage: LlmStage;
  readonly runId: string;
  readonly questions: readonly Question[];
  /** The run's caps (`--rpm`, `--tpm`); this process's own are applied too. */
  readonly caps: BudgetCaps;
}

export async function answerBatch(runtime: AskRuntime, llm: LlmService, batch: Batch): Promise<Record<string, Verdict>> {
  const { stage, runId } = batch;
  const { leaseMs } = llm.timings;
  // Questions handed to a newer asker (this one was thought dead) are that one's to pay for.
  const owned = new Set(await runtime.lease(batch.questions.map((question) => question.signature), leaseMs));
  const mine = batch.questions.filter((question) => owned.has(question.signature));
  if (mine.length === 0) return {};
  // Read once and journaled: a replay uses the same budget and caps even if this process's settings changed.
  const start = await runtime.step('cache', () => readCache(llm, { ...batch, questions: mine }));
  const verdicts: Record<string, Verdict> = { ...start.verdicts };
  const bySignature = new Map(mine.map((question) => [question.signature, question]));
  let open = start.open.flatMap((signature) => bySignature.get(signature) ?? []);
  // The batch, then one re-ask of what came back missing or invalid.
  for (let round = 1; round <= 2 && open.length > 0; round++) {
    const outcome = await askWithRetries(runtime, llm, { ...start, stage, runId, round }, open);
    if (outcome.kind === 'failed') {
      for (const question of open) verdicts[question.signature] = { kind: 'none', reason: outcome.reason };
      return verdicts;
    }
    Object.assign(verdicts, outcome.verdicts);
    const asked = new Set(outcome.asked);
    open = outcome.invalid.flatMap((signature) => (asked.has(signature) ? (bySignature.get(signature) ?? []) : []));
  }
  for (const question of open) verdicts[question.signature] = { kind: 'none', reason: fallbackWhy('invalid-answer', 'answer missing or invalid after one re-ask') };
  return verdicts;
}

type Start = {
  verdicts: Record<string, Verdict>;
  /** Signatures without a cached answer. */
  open: string[];
  budgetKey: string;
  caps: BudgetCaps;
};

async function readCache(llm: LlmService, batch: Batch): Promise<Start> {
  const verdicts: Record<string, Verdict> = {};
  const open: string[] = [];
  for (const question of batch.questions) {
    const cached = await getCachedAnswer(llm.pool, cacheKey(llm, batch.stage, question.signature));
    const answer = itemSchema(batch.stage).safeParse(cached);
    if (answer.success) verdicts[question.signature] = { kind: 'answer', answer: answer.data, fromCache: true };
    else open.push(question.signature);
  }
  return { verdicts, open, budgetKey: llm.budgetKey, caps: tighterCaps(batch.caps, llm.caps) };
}

type Asking = Pick<Start, 'budgetKey' | 'caps'> & {
  stage: LlmStage;
  runId: string;
  round: number;
};

type Outcome =
  /** Verdicts and invalid answers by signature; `asked`: the signatures the request carried (the others were no longer this asker's). */
  | { kind: 'answered'; verdicts: Record<string, Verdict>; invalid: string[]; asked: string[] }
  | { kind: 'failed'; reason: string };

/** One request, retried on rate limits and transient failures within llm.retry, each attempt granted by the budget. */
async function askWithRetries(runtime: AskRuntime, llm: LlmService, asking: Asking, questions: readonly Question[]): Promise<Outcome> {
  const { stage, budgetKey, caps } = asking;
  const { leaseMs } = llm.timings;
  let mine = questions;
  const signatures = (): string[] => mine.map((question) => question.signature);
  /** A durable sleep, announced to the batcher first so the lease covers it. */
  const rest = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    await runtime.lease(signatures(), ms + leaseMs);
    await runtime.sleep(ms);
  };
  let failures = 0;
  let rateLimitWaitMs = 0;
  let rateLimited: Extract<Attempt, { kind: 'failed' }> | null = null;
  for (let attempt = 1; ; attempt++) {
    // After a 429 the budget holds every grant until the provider's wait has passed: that counts as waiting it out.
    const allowance = rateLimited === null ? null : llm.retry.maxRateLimitWaitMs - rateLimitWaitMs;
    const items = itemsOf(mine);
    const estimate = estimateRequestTokens(stage, promptIndicators(stage, items.map(({ item }) => item)));
    const waited = await waitForSlot(runtime, rest, budgetKey, { caps, tokens: estimate }, allowance);
    if (waited.kind === 'too-long') {
      return { kind: 'failed', reason: fallbackWhy('rate-limit', `${rateLimited?.message ?? 'HTTP 429'} (rate limited for ${Math.round(rateLimitWaitMs / 1000)} s)`) };
    }
    if (rateLimited !== null) rateLimitWaitMs += waited.waitedMs;
    // The lease is renewed for the step; what is no longer this asker's is not asked (nor paid for) again.
    const owned = new Set(await runtime.lease(signatures(), leaseMs));
    mine = mine.filter((question) => owned.has(question.signature));
    if (mine.length === 0) return { kind: 'answered', verdicts: {}, invalid: [], asked: [] };
    const sent = itemsOf(mine);
    const result = await runtime.step(`request ${asking.round}.${attempt}`, () =>
      withinMs(llm.timings.attemptMs, () => attemptOnce(llm, asking, sent)),
    );
    runtime.report(budgetKey, feedbackOf(result, { estimate, caps, grantedAt: waited.startAt }));
    switch (result.kind) {
      case 'answered': {
        const signatureOf = new Map(sent.map(({ item, signature }) => [item.id, signature]));
        const verdicts: Record<string, Verdict> = {};
        for (const [id, verdict] of Object.entries(result.verdicts)) {
          const signature = signatureOf.get(id);
          if (signature !== undefined) verdicts[signature] = verdict;
        }
        return { kind: 'answered', verdicts, invalid: result.invalid.flatMap((id) => signatureOf.get(id) ?? []), asked: signatures() };
      }
      case 'refused':
        return { kind: 'failed', reason: result.reason };
      case 'failed': {
        if (!result.retryable) return giveUp(result, 'not retried');
        let wait: number;
        if (result.errorKind === 'rate-limit') {
          rateLimited = result;
          wait = result.retryAfterMs === null ? backoff(llm, attempt) : Math.min(Math.max(result.retryAfterMs, 0), llm.retry.maxMs);
          if (rateLimitWaitMs + wait > llm.retry.maxRateLimitWaitMs) return giveUp(result, `rate limited for ${Math.round(rateLimitWaitMs / 1000)} s`);
          rateLimitWaitMs += wait;
          llm.notice(`LLM: rate limited (${result.message.slice(0, 120)}); waiting ${(wait / 1000).toFixed(1)} s as the provider asks, then retrying`);
        } else {
          rateLimited = null;
          failures += 1;
          if (failures >= llm.retry.maxAttempts) return giveUp(result, `after ${failures} failed attempts`);
          wait = backoff(llm, failures);
        }
        await rest(wait);
        break;
      }
      default:
        result satisfies never;
    }
  }
}

/** The request's items (short ids q1, q2, …) and the signature each stands for. */
function itemsOf(questions: readonly Question[]): { item: BatchItem; signature: string }[] {
  return questions.map((q, i) => ({
    item: { id: `q${i + 1}`, context: q.context, ...(q.family === undefined ? {} : { family: q.family }) },
    signature: q.signature,
  }));
}

/**
 * Runs one attempt of a step, cut at `ms`: the step then ends (and is retried) inside Restate's
 * abort window whatever hangs (lease.ts). The cut action runs on unseen; its result is dropped.
 */
export async function withinMs<T>(ms: number, action: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`the attempt took longer than its ${ms} ms bound`)); }, ms);
  });
  try {
    return await Promise.race([action(), cut]);
  } finally {
    clearTimeout(timer);
  }
}

type Slot = { kind: 'granted'; startAt: number; waitedMs: number } | { kind: 'too-long' };

/**
 * Asks the budget until it grants a slot, sleeping durably in between and until the slot; with an
 * allowance, gives up (without sleeping) once the wait would pass it.
 */
async function waitForSlot(
  runtime: AskRuntime,
  rest: (ms: number) => Promise<void>,
  key: string,
  request: GrantRequest,
  allowanceMs: number | null,
): Promise<Slot> {
  let waitedMs = 0;
  for (;;) {
    const acquired = await runtime.acquire(key, request);
    if (allowanceMs !== null && waitedMs + acquired.waitMs > allowanceMs) return { kind: 'too-long' };
    await rest(acquired.waitMs);
    waitedMs += acquired.waitMs;
    if (acquired.granted) return { kind: 'granted', startAt: acquired.startAt, waitedMs };
  }
}

function giveUp(failure: Extract<Attempt, { kind: 'failed' }>, why: string): Outcome {
  return { kind: 'failed', reason: fallbackWhy(failure.errorKind, `${failure.message} (${why})`) };
}

function backoff(llm: LlmService, failures: number): number {
  return Math.min(llm.retry.initialMs * 2 ** (failures - 1), llm.retry.maxMs);
}

/** One attempt's outcome, plain JSON (it is journaled). */
type Attempt =
  | { kind: 'answered'; verdicts: Record<string, Verdict>; invalid: string[]; tokens: number; rateLimits: RateLimits }
  | { kind: 'failed'; errorKind: LlmErrorKind; message: string; retryable: boolean; retryAfterMs: number | null; tokens: number; rateLimits: RateLimits }
  /** The provider refused the key earlier in this process: not asked. */
  | { kind: 'refused'; reason: string };

function feedbackOf(result: Attempt, grant: { estimate: number; caps: BudgetCaps; grantedAt: number }): BudgetFeedback {
  const { estimate, caps, grantedAt } = grant;
  if (result.kind === 'refused') return { outcome: 'other', rateLimits: NO_RATE_LIMITS, retryAfterMs: null, tokenError: -estimate, caps, grantedAt };
  const rateLimited = result.kind === 'failed' && result.errorKind === 'rate-limit';
  return {
    outcome: result.kind === 'answered' ? 'answered' : rateLimited ? 'rate-limited' : 'other',
    rateLimits: result.rateLimits,
    retryAfterMs: result.kind === 'failed' ? result.retryAfterMs : null,
    tokenError: result.tokens - estimate,
    caps,
    grantedAt,
  };
}

/** Exactly one request: recorded, its valid answers cached. Runs inside one journaled step. */
async function attemptOnce(llm: LlmService, asking: Asking, sent: readonly Sent[]): Promise<Attempt> {
  const { stage, runId } = asking;
  const refused = refusedReason(llm);
  if (refused !== null) return { kind: 'refused', reason: refused };
  // This step may be running again (its first run asked, then the endpoint died before the engine
  // journaled it): what the first run cached is taken from the cache, and only the rest is asked (and paid for).
  const { cached, open } = await cachedOf(llm, stage, sent);
  if (open.length === 0) return { kind: 'answered', verdicts: cached, invalid: [], tokens: 0, rateLimits: NO_RATE_LIMITS };
  const items = open.map(({ item }) => item);
  const signatures = new Map(open.map(({ item, signature }) => [item.id, signature]));
  const started = performance.now();
  try {
    const result = await llm.pacer.bounded(() => askOnce(llm.provider, stage, items), llm.timings.slotWaitMs);
    if (result === SLOT_BUSY) {
      const message = `no free request slot in this process within ${llm.timings.slotWaitMs} ms`;
      return { kind: 'failed', errorKind: 'timeout', message, retryable: true, retryAfterMs: null, tokens: 0, rateLimits: NO_RATE_LIMITS };
    }
    // The answers first, in one statement: until they are cached, a crash pays for them again. Then the request's row.
    const requestId = randomUUID();
    const answered = [...result.answers].flatMap(([id, answer]) => {
      const signature = signatures.get(id);
      return signature === undefined ? [] : [{ id, signature, answer }];
    });
    const puts = await putCachedAnswers(llm.pool, cacheVersion(llm), answered.map(({ signature, answer }) => ({ stage, signature, answer })), requestId);
    await record(llm, runId, requestId, result.record, result.record.status);
    const verdicts: Record<string, Verdict> = { ...cached };
    answered.forEach(({ id, answer }, i) => {
      verdicts[id] = verdictOf(stage, answer, puts[i]);
    });
    return { kind: 'answered', verdicts, invalid: result.invalid, tokens: tokensOf(result.record.usage), rateLimits: result.rateLimits };
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    const failed: Request = {
      stage,
      indicators: items.length,
      usage: error.usage,
      latencyMs: Math.round(performance.now() - started),
      model: llm.provider.model,
      provider: llm.provider.provider,
    };
    await record(llm, runId, randomUUID(), failed, error.kind);
    // A refused key is refused for every request: stop asking in this process.
    if (error.kind === 'auth') llm.health.refused ??= error.message;
    return {
      kind: 'failed',
      errorKind: error.kind,
      message: error.message,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      tokens: tokensOf(error.usage),
      rateLimits: error.rateLimits,
    };
  }
}

type Sent = { item: BatchItem; signature: string };

/** The items already answered in the cache (their verdicts, by item id), and the others. One read. */
async function cachedOf(llm: LlmService, stage: LlmStage, sent: readonly Sent[]): Promise<{ cached: Record<string, Verdict>; open: Sent[] }> {
  const answers = await getCachedAnswers(llm.pool, sent.map(({ signature }) => ({ stage, signature })), cacheVersion(llm));
  const cached: Record<string, Verdict> = {};
  const open: Sent[] = [];
  for (const entry of sent) {
    const answer = itemSchema(stage).safeParse(answers[cachedQuestionId({ stage, signature: entry.signature })]);
    if (answer.success) cached[entry.item.id] = { kind: 'answer', answer: answer.data, fromCache: true };
    else open.push(entry);
  }
  return { cached, open };
}

function tokensOf(usage: TokenUsage): number {
  return usage.inputTokens + usage.outputTokens;
}

/** The fallback reason once the provider refused the key in this process; null while it has not. */
function refusedReason(llm: LlmService): string | null {
  if (llm.health.refused === null) return null;
  return fallbackWhy('auth', `${llm.health.refused} (not asked: the provider refused the key earlier in this process)`);
}

/** A request that went out, without its outcome. */
type Request = Omit<RequestRecord, 'status'>;

/** `id` is random, not derived: each request that really went out is one row, also when a crash makes its step run again. */
async function record(llm: LlmService, runId: string, id: string, request: Request, status: LlmRequestStatus): Promise<void> {
  await recordLlmRequest(llm.pool, {
    id,
    runId,
    stage: request.stage,
    provider: request.provider,
    model: request.model,
    indicators: request.indicators,
    usage: request.usage,
    latencyMs: request.latencyMs,
    status,
    costUsd: costUsd(request.model, request.usage, llm.pricing),
  });
}

/** The verdict from what is cached now: this request's answer, or the one a concurrent asker cached first. */
function verdictOf(stage: LlmStage, answer: StageAnswer, put: PutResult | undefined): Verdict {
  const cached = itemSchema(stage).safeParse(put?.answer);
  return cached.success ? { kind: 'answer', answer: cached.data, fromCache: put?.stored !== true } : { kind: 'answer', answer, fromCache: false };
}

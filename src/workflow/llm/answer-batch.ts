/**
 * The asker's work for one batch of distinct questions, run inside one ctx.run: answers already
 * cached are taken from llm_cache; the rest are asked in one request (answers tied by short ids),
 * and the ids without a valid answer are asked once more. Every request that reached the provider
 * is recorded with its usage and cost (an attempt that never left the machine too, as
 * `unreachable`); every valid answer is cached before it is returned, so a retry of this step
 * after a crash finds it and never pays for it twice. After the provider refused the key, no
 * request is made at all (llm.health).
 */
import { randomUUID } from 'node:crypto';
import { getCachedAnswer, putCachedAnswer, recordLlmRequest, type LlmRequestStatus } from '../../db/llm.js';
import { costUsd } from '../../llm/pricing.js';
import { LlmError } from '../../llm/provider.js';
import { askOnce, type BatchItem, type OnceResult, type RequestRecord } from '../../llm/stages/batch.js';
import { fallbackWhy } from '../../llm/stages/merge.js';
import { itemSchema, type LlmStage, type StageAnswer } from '../../llm/stages/schemas.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Question, Verdict } from './messages.js';
import { cacheKey, type LlmService } from './service.js';

export async function answerBatch(llm: LlmService, stage: LlmStage, runId: string, questions: readonly Question[]): Promise<Record<string, Verdict>> {
  const verdicts: Record<string, Verdict> = {};
  let open: Question[] = [];
  for (const question of questions) {
    const cached = await getCachedAnswer(llm.pool, cacheKey(llm, stage, question.signature));
    const answer = itemSchema(stage).safeParse(cached);
    if (answer.success) verdicts[question.signature] = { kind: 'answer', answer: answer.data, fromCache: true };
    else open.push(question);
  }
  // The batch, then one re-ask of what came back missing or invalid.
  for (let round = 1; round <= 2 && open.length > 0; round++) {
    const refused = refusedReason(llm);
    if (refused !== null) {
      for (const question of open) verdicts[question.signature] = { kind: 'none', reason: refused };
      return verdicts;
    }
    const byId = new Map(open.map((question, i) => [`q${i + 1}`, question]));
    const items: BatchItem[] = [...byId].map(([id, q]) => ({ id, context: q.context, ...(q.family === undefined ? {} : { family: q.family }) }));
    const outcome = await askWithRetries(llm, stage, runId, items);
    if (outcome.kind === 'failed') {
      for (const question of open) verdicts[question.signature] = { kind: 'none', reason: outcome.reason };
      return verdicts;
    }
    const requestId = await record(llm, runId, outcome.result.record, outcome.result.record.status);
    for (const [id, answer] of outcome.result.answers) {
      const question = byId.get(id);
      if (question === undefined) continue;
      verdicts[question.signature] = await cache(llm, stage, question, answer, requestId);
    }
    open = outcome.result.invalid.flatMap((id) => byId.get(id) ?? []);
  }
  for (const question of open) verdicts[question.signature] = { kind: 'none', reason: fallbackWhy('invalid-answer', 'answer missing or invalid after one re-ask') };
  return verdicts;
}

/** The fallback reason once the provider refused the key in this process; null while it has not. */
function refusedReason(llm: LlmService): string | null {
  if (llm.health.refused === null) return null;
  return fallbackWhy('auth', `${llm.health.refused} (not asked: the provider refused the key earlier in this process)`);
}

type Outcome = { kind: 'answered'; result: OnceResult<LlmStage> } | { kind: 'failed'; reason: string };

/** One request, retried on rate limits and transient failures within llm.retry; failed attempts are recorded too. */
async function askWithRetries(llm: LlmService, stage: LlmStage, runId: string, items: readonly BatchItem[]): Promise<Outcome> {
  let failures = 0;
  let rateLimitWaitMs = 0;
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      return { kind: 'answered', result: await llm.pacer.bounded(() => askOnce(llm.provider, stage, items)) };
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      const failed: Sent = {
        stage,
        indicators: items.length,
        usage: error.usage,
        latencyMs: Math.round(performance.now() - started),
        model: llm.provider.model,
        provider: llm.provider.provider,
      };
      await record(llm, runId, failed, error.kind);
      const giveUp = (why: string): Outcome => ({ kind: 'failed', reason: fallbackWhy(error.kind, `${error.message} (${why})`) });
      // A refused key is refused for every request: stop asking in this process.
      if (error.kind === 'auth') llm.health.refused ??= error.message;
      if (!error.retryable) return giveUp('not retried');
      if (error.kind === 'rate-limit') {
        const wait = rateLimitDelay(llm, error, attempt);
        if (rateLimitWaitMs + wait > llm.retry.maxRateLimitWaitMs) return giveUp(`rate limited for ${Math.round(rateLimitWaitMs / 1000)} s`);
        rateLimitWaitMs += wait;
        llm.notice(`LLM: rate limited (${error.message.slice(0, 120)}); waiting ${(wait / 1000).toFixed(1)} s as the provider asks, then retrying`);
        await sleep(wait);
      } else {
        failures += 1;
        if (failures >= llm.retry.maxAttempts) return giveUp(`after ${failures} failed attempts`);
        await sleep(backoff(llm, failures));
      }
      // Another request may have met a refused key while this one waited.
      const refused = refusedReason(llm);
      if (refused !== null) return { kind: 'failed', reason: refused };
    }
  }
}

function backoff(llm: LlmService, failures: number): number {
  return Math.min(llm.retry.initialMs * 2 ** (failures - 1), llm.retry.maxMs);
}

/** As long as the server says (capped at retry.maxMs), else the backoff. */
function rateLimitDelay(llm: LlmService, error: LlmError, attempt: number): number {
  if (error.retryAfterMs !== null) return Math.min(Math.max(error.retryAfterMs, 0), llm.retry.maxMs);
  return backoff(llm, attempt);
}

/** A request that went out, without its outcome. */
type Sent = Omit<RequestRecord, 'status'>;

async function record(llm: LlmService, runId: string, request: Sent, status: LlmRequestStatus): Promise<string> {
  // Random, not derived: each request that really went out is one row, also when a crash makes this step run again.
  const id = randomUUID();
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
  return id;
}

/** Caches the answer (or takes the one a concurrent asker cached first) and returns the verdict. */
async function cache(llm: LlmService, stage: LlmStage, question: Question, answer: StageAnswer, requestId: string): Promise<Verdict> {
  const put = await putCachedAnswer(llm.pool, cacheKey(llm, stage, question.signature), answer, requestId);
  const cached = itemSchema(stage).safeParse(put.answer);
  return cached.success ? { kind: 'answer', answer: cached.data, fromCache: !put.stored } : { kind: 'answer', answer, fromCache: false };
}

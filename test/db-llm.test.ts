/**
 * The LLM tables against real databases: PGlite always, Postgres when TEST_DATABASE_URL is set.
 */
import { describe, expect, it } from 'vitest';
import {
  finishRunTotals,
  cachedQuestionId,
  getCachedAnswer,
  getCachedAnswers,
  putCachedAnswer,
  recordLlmRequest,
  reportTotals,
  runLlmTotals,
  type CacheKey,
  type LlmRequestRecord,
} from '../src/db/llm.js';
import { runLlmFallback, recentLlmOutcomes } from '../src/db/llm-outcomes.js';
import { migrate } from '../src/db/migrate.js';
import { llmSchema } from '../src/db/migrations/003-llm.js';
import { llmOutcomes } from '../src/db/migrations/004-llm-outcomes.js';
import { fallbackWhy, keepRules } from '../src/llm/stages/merge.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { createRun } from '../src/db/runs.js';
import { costUsd } from '../src/llm/pricing.js';
import type { TokenUsage } from '../src/llm/provider.js';
import { createStore } from '../src/db/classifications.js';
import { BACKENDS, classify, indicator, useDatabase } from './db-helpers.js';


const KEY: CacheKey = { signature: 'a'.repeat(64), stage: 'family', promptVersion: 'p1', model: 'gpt-5-mini' };

/** Two gpt-5-mini calls, priced by hand in the totals test. */
const USAGE_A: TokenUsage = { inputTokens: 1000, cachedTokens: 800, outputTokens: 500, reasoningTokens: 200 };
const USAGE_B: TokenUsage = { inputTokens: 2000, cachedTokens: 0, outputTokens: 100, reasoningTokens: 0 };

function request(id: string, usage: TokenUsage, overrides: Partial<LlmRequestRecord> = {}): LlmRequestRecord {
  return {
    id,
    runId: 'run-llm',
    stage: 'family',
    provider: 'openai',
    model: 'gpt-5-mini',
    indicators: 1,
    usage,
    latencyMs: 812.4,
    status: 'ok',
    costUsd: costUsd('gpt-5-mini', usage),
    ...overrides,
  };
}

for (const { name, enabled } of BACKENDS) {
  describe.runIf(enabled)(`llm tables on ${name}`, () => {
    const database = useDatabase(name);

    async function count(table: string): Promise<number> {
      const { rows } = await database.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? -1;
    }

    it('migrations 003 and 004 are applied once, and their SQL runs again without error', async () => {
      expect(MIGRATIONS.map((m) => m.version).slice(2, 4)).toEqual([3, 4]);
      expect(MIGRATIONS[2]).toBe(llmSchema);
      expect(MIGRATIONS[3]).toBe(llmOutcomes);
      expect((await migrate(database.db.pool)).applied).toEqual([]);
      await database.db.pool.query(llmSchema.sql); // IF NOT EXISTS throughout
      await database.db.pool.query(llmOutcomes.sql); // DROP CONSTRAINT IF EXISTS, then ADD
      const { rows } = await database.db.pool.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'runs' AND column_name LIKE ANY (ARRAY['llm_%', '%_tokens', 'cost_usd', 'cache_hits']) ORDER BY column_name`,
      );
      expect(rows.map((row) => row.column_name)).toEqual([
        'cache_hits', 'cached_tokens', 'cost_usd', 'input_tokens', 'llm_requests', 'output_tokens', 'reasoning_tokens',
      ]);
    });

    it('rejects a stage or status outside the lists', async () => {
      await expect(recordLlmRequest(database.db.pool, request('bad-stage', USAGE_A, { stage: 'bogus' as 'family' }))).rejects.toThrow(/llm_requests_stage_enum/);
      await expect(recordLlmRequest(database.db.pool, request('bad-status', USAGE_A, { status: 'meh' as 'ok' }))).rejects.toThrow(/llm_requests_status_enum/);
      // Migration 004's: the new outcomes and the preflight stage are allowed.
      expect(await recordLlmRequest(database.db.pool, request('unreachable', USAGE_A, { status: 'unreachable' }))).toBe(true);
      expect(await recordLlmRequest(database.db.pool, request('html', USAGE_A, { status: 'invalid-response' }))).toBe(true);
      expect(await recordLlmRequest(database.db.pool, request('preflight', USAGE_A, { stage: 'preflight' }))).toBe(true);
    });

    it('counts only requests that reached the provider; every outcome is listed, unsent ones too', async () => {
      const zero = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
      await recordLlmRequest(database.db.pool, request('p', USAGE_B, { stage: 'preflight', indicators: 0 }));
      await recordLlmRequest(database.db.pool, request('a', USAGE_A));
      await recordLlmRequest(database.db.pool, request('r1', zero, { status: 'rate-limit' }));
      await recordLlmRequest(database.db.pool, request('r2', zero, { status: 'rate-limit' }));
      await recordLlmRequest(database.db.pool, request('x', zero, { status: 'auth' }));
      // An unpriced model's unsent attempt is not an unpriced request either.
      for (const id of ['u1', 'u2', 'u3']) await recordLlmRequest(database.db.pool, request(id, zero, { status: 'unreachable', model: 'unpriced', costUsd: null }));
      const totals = await runLlmTotals(database.db.pool, 'run-llm');
      expect(totals).toMatchObject({
        llm_requests: 5,
        unpriced_requests: 0,
        llm_outcomes: { ok: 2, 'rate-limit': 2, auth: 1, unreachable: 3 },
        llm_fallback_indicators: 0,
        llm_fallback_fields: 0,
        llm_fallback_causes: {},
      });
      expect(reportTotals(totals, 5)).toMatchObject({ llm_requests: 5, requests_per_indicator: 1, llm_outcomes: totals.llm_outcomes });
      expect(await recentLlmOutcomes(database.db.pool, 'run-llm', 60_000)).toEqual(totals.llm_outcomes);
      await database.db.pool.query(`UPDATE llm_requests SET created_at = now() - interval '2 minutes' WHERE id <> 'r2'`);
      expect(await recentLlmOutcomes(database.db.pool, 'run-llm', 60_000)).toEqual({ 'rate-limit': 1 });
    });

    it('counts the fields and indicators of a run that kept the rules, by cause, from the stored reasons', async () => {
      const store = createStore(database.db.pool);
      const save = async (id: string, runId: string, kept: (c: ReturnType<typeof classify>) => ReturnType<typeof classify>) => {
        const c = kept(classify(indicator(id)));
        await store.saveClassification({ runId, workflowKey: `${id}~k`, contentHash: 'h'.repeat(64), classification: c });
      };
      const auth = fallbackWhy('auth', 'HTTP 401: Incorrect API key provided (not retried)');
      await save('A', 'run-llm', (c) => ({ ...c, family: keepRules(c.family, auth), type: keepRules(c.type, auth) }));
      await save('B', 'run-llm', (c) => ({ ...c, orientation: keepRules(c.orientation, fallbackWhy('invalid-answer', 'missing after one re-ask')) }));
      // A reason with parentheses and a semicolon of its own, and a reason from before causes were written.
      await save('C', 'run-llm', (c) => ({ ...c, time: keepRules({ ...c.time, reason: 'quarterly (declared; observed)' }, fallbackWhy('rate-limit', 'HTTP 429 (rate limited for 600 s)')) }));
      await save('D', 'run-llm', (c) => ({ ...c, cumulative: keepRules(c.cumulative, 'LLM answer invalid') }));
      await save('E', 'run-llm', (c) => c);
      await save('F', 'run-other', (c) => ({ ...c, family: keepRules(c.family, auth) }));
      expect(await runLlmFallback(database.db.pool, 'run-llm')).toEqual({
        indicators: 4,
        fields: 5,
        causes: { auth: 2, 'invalid-answer': 1, 'rate-limit': 1, other: 1 },
      });
      expect(await runLlmFallback(database.db.pool, 'run-none')).toEqual({ indicators: 0, fields: 0, causes: {} });
      expect(await runLlmTotals(database.db.pool, 'run-llm')).toMatchObject({ llm_fallback_indicators: 4, llm_fallback_fields: 5 });
    });

    it('caches an answer: a miss, a put, then hits counted once per hit id', async () => {
      expect(await getCachedAnswer(database.db.pool, KEY)).toBeNull();
      expect(await getCachedAnswer(database.db.pool, KEY, { id: 'wf-0:family', runId: 'run-llm' })).toBeNull();
      expect(await count('llm_cache_hits')).toBe(0); // a miss is not a hit

      const answer = { family: 'growth', confidence: 0.9 };
      expect(await putCachedAnswer(database.db.pool, KEY, answer, 'req-1')).toEqual({ answer, stored: true });
      // The same put again (a replay of the winning step) still reports its own answer as stored.
      expect(await putCachedAnswer(database.db.pool, KEY, answer, 'req-1')).toEqual({ answer, stored: true });

      expect(await getCachedAnswer(database.db.pool, KEY, { id: 'wf-1:family', runId: 'run-llm' })).toEqual(answer);
      expect(await getCachedAnswer(database.db.pool, KEY, { id: 'wf-1:family', runId: 'run-llm' })).toEqual(answer); // replay
      expect(await getCachedAnswer(database.db.pool, KEY, { id: 'wf-2:family', runId: 'run-llm' })).toEqual(answer);
      expect(await getCachedAnswer(database.db.pool, KEY)).toEqual(answer); // unattributed peek: not counted
      const { rows } = await database.db.pool.query<{ hits: number }>('SELECT hits FROM llm_cache');
      expect(rows).toEqual([{ hits: 2 }]);
      expect(await count('llm_cache_hits')).toBe(2);

      // Another model, prompt version or stage is another question.
      expect(await getCachedAnswer(database.db.pool, { ...KEY, model: 'gpt-5-nano' })).toBeNull();
      expect(await getCachedAnswer(database.db.pool, { ...KEY, promptVersion: 'p2' })).toBeNull();
      expect(await getCachedAnswer(database.db.pool, { ...KEY, stage: 'type' })).toBeNull();
    });

    it('reads the answers to several questions at once, for one prompt version and model, logging no hit', async () => {
      const other = { ...KEY, signature: 'b'.repeat(64), stage: 'type' as const };
      await putCachedAnswer(database.db.pool, KEY, { family: 'growth' }, 'req-1');
      await putCachedAnswer(database.db.pool, other, { type: 'rate' }, 'req-2');
      await putCachedAnswer(database.db.pool, { ...KEY, model: 'gpt-5-nano' }, { family: 'price' }, 'req-3');
      const version = { promptVersion: KEY.promptVersion, model: KEY.model };
      const questions = [KEY, other, { stage: 'orientation' as const, signature: 'c'.repeat(64) }, { stage: 'family' as const, signature: other.signature }];
      expect(await getCachedAnswers(database.db.pool, questions, version)).toEqual({
        [cachedQuestionId(KEY)]: { family: 'growth' },
        [cachedQuestionId(other)]: { type: 'rate' },
      });
      expect(await getCachedAnswers(database.db.pool, questions, { ...version, promptVersion: 'p2' })).toEqual({});
      expect(await getCachedAnswers(database.db.pool, [], version)).toEqual({});
      expect(await count('llm_cache_hits')).toBe(0);
    });

    it('a save logs its shared answers as cache hits of its run, once however often it runs', async () => {
      await putCachedAnswer(database.db.pool, KEY, { family: 'growth' }, 'req-1');
      const store = createStore(database.db.pool);
      const item = indicator('ALB.GDP');
      const hit = { id: 'ALB.GDP~abc:family', signature: KEY.signature, stage: KEY.stage, promptVersion: KEY.promptVersion, model: KEY.model };
      const save = { runId: 'run-llm', workflowKey: 'ALB.GDP~abc', contentHash: 'h'.repeat(64), classification: classify(item), sharedHits: [hit] };
      await store.saveClassification(save);
      await store.saveClassification(save); // a replayed save
      const { rows } = await database.db.pool.query<{ hits: number }>('SELECT hits FROM llm_cache');
      expect(rows).toEqual([{ hits: 1 }]);
      const logged = await database.db.pool.query<{ id: string; run_id: string }>('SELECT id, run_id FROM llm_cache_hits');
      expect(logged.rows).toEqual([{ id: hit.id, run_id: 'run-llm' }]);
      expect((await runLlmTotals(database.db.pool, 'run-llm')).cache_hits).toBe(1);
    });

    it('a race of 20 puts on one key: one answer wins and every caller gets it', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => putCachedAnswer(database.db.pool, KEY, { family: `answer-${i}` }, `req-${i}`)),
      );
      const winners = results.filter((result) => result.stored);
      expect(winners).toHaveLength(1);
      expect(new Set(results.map((result) => JSON.stringify(result.answer))).size).toBe(1);
      expect(await getCachedAnswer(database.db.pool, KEY)).toEqual(winners[0]?.answer);
      expect(await count('llm_cache')).toBe(1);
    });

    it('records a request once per id', async () => {
      expect(await recordLlmRequest(database.db.pool, request('wf-1:family:1', USAGE_A))).toBe(true);
      expect(await recordLlmRequest(database.db.pool, request('wf-1:family:1', USAGE_A))).toBe(false);
      expect(await count('llm_requests')).toBe(1);
      const { rows } = await database.db.pool.query<{ latency_ms: number; cost_usd: string }>('SELECT latency_ms, cost_usd FROM llm_requests');
      expect(rows).toEqual([{ latency_ms: 812, cost_usd: '0.00107000' }]);
    });

    it('sums a run: tokens, cost, hits; writes them on runs; reports per indicator', async () => {
      // gpt-5-mini: $0.25 input, $0.025 cached input, $2.00 output per 1M tokens.
      // A: (200 fresh × 0.25 + 800 cached × 0.025 + 500 out × 2) / 1M = (50 + 20 + 1000) / 1M = $0.00107
      //    (the 200 reasoning tokens are inside the 500 output tokens, never added again)
      // B: (2000 fresh × 0.25 + 100 out × 2) / 1M = (500 + 200) / 1M = $0.0007
      // The failed call C (invalid answer, billed) = A again: $0.00107. Total $0.00284.
      expect(costUsd('gpt-5-mini', USAGE_A)).toBeCloseTo(0.00107, 12);
      expect(costUsd('gpt-5-mini', USAGE_B)).toBeCloseTo(0.0007, 12);
      await createRun(database.db.pool, { id: 'run-llm', mode: 'llm', settings: {} });
      await recordLlmRequest(database.db.pool, request('wf-1:family:1', USAGE_A, { indicators: 2 }));
      await recordLlmRequest(database.db.pool, request('wf-2:family:1', USAGE_B));
      await recordLlmRequest(database.db.pool, request('wf-3:family:1', USAGE_A, { status: 'invalid-answer' }));
      await recordLlmRequest(database.db.pool, request('wf-4:family:1', USAGE_B, { model: 'unpriced', costUsd: null, status: 'server' }));
      await recordLlmRequest(database.db.pool, request('other-run', USAGE_B, { runId: 'run-other' }));
      await putCachedAnswer(database.db.pool, KEY, { family: 'growth' }, 'wf-1:family:1');
      await getCachedAnswer(database.db.pool, KEY, { id: 'wf-5:family', runId: 'run-llm' });
      await getCachedAnswer(database.db.pool, KEY, { id: 'wf-6:family', runId: 'run-other' });

      const totals = await runLlmTotals(database.db.pool, 'run-llm');
      expect(totals).toEqual({
        llm_outcomes: { ok: 2, 'invalid-answer': 1, server: 1 },
        llm_fallback_indicators: 0,
        llm_fallback_fields: 0,
        llm_fallback_causes: {},
        llm_requests: 4,
        input_tokens: 6000,
        cached_tokens: 1600,
        output_tokens: 1200,
        reasoning_tokens: 400,
        cost_usd: expect.closeTo(0.00284, 12) as number,
        unpriced_requests: 1,
        answered_indicators: 3,
        cache_hits: 1,
      });
      expect(await finishRunTotals(database.db.pool, 'run-llm')).toEqual(totals);
      const { rows } = await database.db.pool.query(
        `SELECT llm_requests, input_tokens::float8 AS input_tokens, cached_tokens::float8 AS cached_tokens,
           output_tokens::float8 AS output_tokens, reasoning_tokens::float8 AS reasoning_tokens, cost_usd::text AS cost_usd, cache_hits
         FROM runs WHERE id = 'run-llm'`,
      );
      expect(rows).toEqual([
        { llm_requests: 4, input_tokens: 6000, cached_tokens: 1600, output_tokens: 1200, reasoning_tokens: 400, cost_usd: '0.002840', cache_hits: 1 },
      ]);
      await expect(finishRunTotals(database.db.pool, 'no-such-run')).rejects.toThrow(/no run/);

      const report = reportTotals(totals, 4);
      expect(report).toMatchObject({ llm_requests: 4, input_tokens: 6000, cached_tokens: 1600, output_tokens: 1200, cache_hits: 1 });
      expect(report.cost_per_indicator_usd).toBeCloseTo(0.00071, 12);
      expect(report.cost_per_1000_usd).toBeCloseTo(0.71, 9);
      expect(report.cached_share).toBeCloseTo(1600 / 6000, 12);
      expect(report.cache_hit_share).toBeCloseTo(1 / 4, 12); // 3 answered by requests, 1 from the cache
      expect(report.requests_per_indicator).toBe(1);
    });

    it('a run without LLM calls has zero totals and no per-indicator cost when nothing completed', async () => {
      const totals = await runLlmTotals(database.db.pool, 'run-rules');
      expect(totals).toMatchObject({ llm_requests: 0, input_tokens: 0, cost_usd: 0, cache_hits: 0 });
      expect(reportTotals(totals, 10)).toMatchObject({ cost_usd: 0, cost_per_1000_usd: 0, cached_share: 0, cache_hit_share: 0 });
      expect(reportTotals(totals, 0)).toMatchObject({ cost_per_1000_usd: null, requests_per_indicator: null });
    });
  });
}

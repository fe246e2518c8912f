// The asker's work (answerBatch) against llm-sim and a real database: the cache is read first,
// every request is recorded, a malformed answer is asked again once, and a 429 is waited out.
import { askerTimings } from '../src/workflow/llm/lease.js';
import type { AskRuntime } from '../src/workflow/llm/answer-batch.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import { getCachedAnswer, runLlmTotals } from '../src/db/llm.js';
import type { LlmConfig } from '../src/llm/config.js';
import { createOpenAiProvider } from '../src/llm/openai.js';
import { costUsd, DEFAULT_PRICING } from '../src/llm/pricing.js';
import { createRequestPacer } from '../src/llm/request-pacer.js';
import { signature } from '../src/llm/signature.js';
import { indicatorContext } from '../src/llm/prompt/context.js';
import { startLlmSim, type LlmSim, type LlmSimOptions } from '../src/llm-sim/server.js';
import { NO_CAPS } from '../src/llm/budget.js';
import type { LlmStage } from '../src/llm/stages/schemas.js';
import { answerBatch } from '../src/workflow/llm/answer-batch.js';
import { directRuntime } from './ask-runtime.js';
import type { Question } from '../src/workflow/llm/messages.js';
import { cacheKey, throttled, type LlmService } from '../src/workflow/llm/service.js';
import { useDatabase } from './db-helpers.js';
import { useFixedServers } from './fixed-server.js';
import { fixtures } from './llm-stages-helpers.js';

const database = useDatabase('pglite');
const fixedServer = useFixedServers();
const sims: LlmSim[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function service(options: LlmSimOptions = {}): Promise<{ llm: LlmService; sim: LlmSim }> {
  const dir = await mkdtemp(join(tmpdir(), 'classify-answer-batch-'));
  dirs.push(dir);
  const sim = await startLlmSim({ port: 0, seed: 1, logFile: join(dir, 'sim.ndjson'), ...options });
  sims.push(sim);
  return { llm: serviceAt(sim.url), sim };
}

/** The service against any base URL; `notices` collects what it tells the person running it. */
function serviceAt(baseUrl: string, notices: string[] = []): LlmService {
  const config: LlmConfig = {
    provider: 'openai',
    apiKey: 'sk-test-answer-batch',
    model: 'gpt-5-mini',
    baseUrl,
    reasoningEffort: 'low',
    timeoutMs: 10_000,
    pricingFile: null,
  };
  return {
    provider: createOpenAiProvider(config),
    pool: database.db.pool,
    pricing: DEFAULT_PRICING,
    pacer: createRequestPacer(4),
    caps: NO_CAPS,
    budgetKey: 'openai/gpt-5-mini',
    batchSize: 10,
    maxBatchWaitMs: 10,
    retry: { maxAttempts: 4, initialMs: 10, maxMs: 2_000, maxRateLimitWaitMs: 60_000 },
    timings: askerTimings(config.timeoutMs),
    health: { refused: null },
    notice: throttled((line) => notices.push(line)),
  };
}

/** One batch through the asker's loop, run directly (no Restate), with a budget of its own. */
function ask(llm: LlmService, stage: LlmStage, runId: string, asked: readonly Question[]) {
  return answerBatch(directRuntime(), llm, { stage, runId, questions: asked, caps: NO_CAPS });
}

const UNAUTHORIZED = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-te***atch.', type: 'invalid_request_error', code: 'invalid_api_key' } });

function questions(): Question[] {
  return fixtures().map(({ indicator, rules }) => ({
    stage: 'orientation',
    signature: signature({ name: indicator.name, units: indicator.units, normalization: rules.normalization, time: rules.time }, 'orientation').hash,
    context: indicatorContext(indicator, { normalization: rules.normalization, time: rules.time, cumulative: rules.cumulative }),
  }));
}

interface RequestRow {
  status: string;
  indicators: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  cost_usd: string | null;
}

async function requestRows(): Promise<RequestRow[]> {
  const { rows } = await database.db.pool.query<RequestRow>(
    'SELECT status, indicators, input_tokens, cached_tokens, output_tokens, cost_usd FROM llm_requests ORDER BY created_at',
  );
  return rows;
}

describe('answerBatch', () => {
  it('a request step that runs again after its answers were cached (the endpoint died before the engine journaled it) asks nothing', async () => {
    const { llm, sim } = await service();
    const asked = questions();
    await ask(llm, 'orientation', 'run-a', asked);
    expect(sim.stats().requests).toBe(1);
    // The journaled cache read said "nothing cached" (it ran before the answers came): the request step alone finds them.
    const runtime = directRuntime();
    const stale: AskRuntime = {
      ...runtime,
      step: <T,>(name: string, action: () => Promise<T>) =>
        name === 'cache' ? action().then((start) => ({ ...(start as object), verdicts: {}, open: asked.map((q) => q.signature) }) as T) : action(),
    };
    const again = await answerBatch(stale, llm, { stage: 'orientation', runId: 'run-a', questions: asked, caps: NO_CAPS });
    expect(Object.keys(again).sort()).toEqual(asked.map((q) => q.signature).sort());
    for (const verdict of Object.values(again)) expect(verdict).toMatchObject({ kind: 'answer', fromCache: true });
    expect(sim.stats().requests).toBe(1);
  });

  it('a request step that runs again after some of its answers were cached asks only for the others', async () => {
    const { llm, sim } = await service();
    const asked = questions();
    const half = asked.slice(0, Math.ceil(asked.length / 2));
    expect(half.length).toBeLessThan(asked.length);
    await ask(llm, 'orientation', 'run-a', half);
    // The journaled cache read said "nothing cached": the request step finds half of the answers and pays only for the rest.
    const runtime = directRuntime();
    const stale: AskRuntime = {
      ...runtime,
      step: <T,>(name: string, action: () => Promise<T>) =>
        name === 'cache' ? action().then((start) => ({ ...(start as object), verdicts: {}, open: asked.map((q) => q.signature) }) as T) : action(),
    };
    const again = await answerBatch(stale, llm, { stage: 'orientation', runId: 'run-a', questions: asked, caps: NO_CAPS });
    expect(Object.keys(again).sort()).toEqual(asked.map((q) => q.signature).sort());
    const cachedFirst = new Set(half.map((q) => q.signature));
    for (const [signature, verdict] of Object.entries(again)) expect(verdict).toMatchObject({ kind: 'answer', fromCache: cachedFirst.has(signature) });
    expect(sim.stats().requests).toBe(2);
    expect((await requestRows()).map((row) => row.indicators)).toEqual([half.length, asked.length - half.length]);
  });

  it('asks once for the batch, records and caches every answer; a second call is served by the cache', async () => {
    const { llm, sim } = await service();
    const asked = questions();
    const first = await ask(llm, 'orientation', 'run-a', asked);
    expect(Object.keys(first).sort()).toEqual(asked.map((q) => q.signature).sort());
    for (const verdict of Object.values(first)) expect(verdict).toMatchObject({ kind: 'answer', fromCache: false });
    expect(sim.stats().requests).toBe(1);

    const rows = await requestRows();
    expect(rows).toHaveLength(1);
    const row = rows[0];
    const usage = { inputTokens: row?.input_tokens ?? -1, cachedTokens: row?.cached_tokens ?? -1, outputTokens: row?.output_tokens ?? -1, reasoningTokens: 0 };
    expect(row).toMatchObject({ status: 'ok', indicators: asked.length });
    expect(usage.inputTokens).toBe(sim.stats().prompt_tokens);
    expect(Number(row?.cost_usd)).toBeCloseTo(costUsd('gpt-5-mini', usage) ?? -1, 8);
    for (const q of asked) expect(await getCachedAnswer(database.db.pool, cacheKey(llm, 'orientation', q.signature))).not.toBeNull();

    const second = await ask(llm, 'orientation', 'run-b', asked);
    for (const verdict of Object.values(second)) expect(verdict).toMatchObject({ kind: 'answer', fromCache: true });
    expect(sim.stats().requests).toBe(1);
  });

  it('asks a malformed answer again once, then gives each question a verdict without an answer', async () => {
    const { llm, sim } = await service({ malformedRate: 1 });
    const verdicts = await ask(llm, 'orientation', 'run-a', questions());
    for (const verdict of Object.values(verdicts)) expect(verdict.kind).toBe('none');
    expect(sim.stats().requests).toBe(2);
    expect((await requestRows()).map((row) => row.status)).toEqual(['invalid-answer', 'invalid-answer']);
    expect((await database.db.pool.query('SELECT 1 FROM llm_cache')).rowCount).toBe(0);
  });

  it('waits out 429s as retry-after says (each recorded as rate-limit), for a bounded total wait', async () => {
    const { llm, sim } = await service({ rpm: 1 });
    // The sim's one request per minute is spent here; the next call (with a budget of its own) is told to wait by retry-after.
    await ask(llm, 'orientation', 'run-a', questions().slice(0, 1));
    // At most 120 ms of waiting in all: the budget holds the retry until the provider's minute has passed, so it gives up with the reason.
    const retry = { maxAttempts: 2, initialMs: 10, maxMs: 50, maxRateLimitWaitMs: 120 };
    const verdicts = await ask({ ...llm, retry }, 'orientation', 'run-a', questions().slice(1));
    for (const verdict of Object.values(verdicts)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/rate-limit.*rate limited for/);
    }
    // One 429; the retry's grant comes only after the provider's wait, past 120 ms: no second request.
    expect(sim.stats().by_status['429']).toBe(1);
    expect((await requestRows()).map((row) => row.status)).toEqual(['ok', 'rate-limit']);
  });

  it('says once (throttled) that it is waiting out a rate limit, and for how long', async () => {
    const { sim } = await service({ rpm: 1 });
    const notices: string[] = [];
    const llm = serviceAt(sim.url, notices);
    await ask(llm, 'orientation', 'run-a', questions().slice(0, 1));
    await ask({ ...llm, retry: { maxAttempts: 2, initialMs: 10, maxMs: 50, maxRateLimitWaitMs: 120 } }, 'orientation', 'run-a', questions().slice(1));
    // Two waits within a few ms: one line.
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^LLM: rate limited \(HTTP 429: .*\); waiting 0\.1 s as the provider asks, then retrying$/);
  });

  it('a refused key (401): one request, recorded as auth, and no further request from this process', async () => {
    const server = await fixedServer(401, 'application/json', UNAUTHORIZED);
    const llm = serviceAt(server.url);
    const first = await ask(llm, 'orientation', 'run-a', questions().slice(0, 2));
    for (const verdict of Object.values(first)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/^LLM auth: HTTP 401: .*\(not retried\)$/);
    }
    expect(server.hits()).toBe(1);
    const later = await ask(llm, 'orientation', 'run-a', questions().slice(2));
    for (const verdict of Object.values(later)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/^LLM auth: .*not asked: the provider refused the key earlier in this process/);
    }
    expect(server.hits()).toBe(1);
    expect((await requestRows()).map((row) => row.status)).toEqual(['auth']);
    expect(JSON.stringify(await requestRows())).not.toContain('sk-test-answer-batch');
  });

  it('a 200 with an HTML body is recorded as invalid-response, once: it reached the provider and is counted', async () => {
    const server = await fixedServer(200, 'text/html', '<!doctype html><html><body>Welcome to nginx!</body></html>');
    const verdicts = await ask(serviceAt(server.url), 'orientation', 'run-html', questions());
    for (const verdict of Object.values(verdicts)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/^LLM invalid-response: HTTP 200 \(text\/html\) but the body is not the API's answer: "<!doctype html>/);
    }
    expect(server.hits()).toBe(1);
    const totals = await runLlmTotals(database.db.pool, 'run-html');
    expect(totals).toMatchObject({ llm_requests: 1, llm_outcomes: { 'invalid-response': 1 } });
  });

  it('a closed port: every attempt recorded as unreachable, none counted as a request', async () => {
    const [port = 0] = await freePorts(1);
    const llm = serviceAt(`http://127.0.0.1:${port}/v1`);
    const verdicts = await ask(llm, 'orientation', 'run-closed', questions());
    for (const verdict of Object.values(verdicts)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/^LLM unreachable: cannot reach the provider: connect ECONNREFUSED .*after 4 failed attempts/);
    }
    const totals = await runLlmTotals(database.db.pool, 'run-closed');
    expect(totals).toMatchObject({ llm_requests: 0, llm_outcomes: { unreachable: 4 }, unpriced_requests: 0, cost_usd: 0 });
  });

  it('gives up on a failing server after retry.maxAttempts attempts', async () => {
    const { llm, sim } = await service({ errorRate: 1 });
    const verdicts = await ask({ ...llm, retry: { ...llm.retry, maxAttempts: 3 } }, 'orientation', 'run-a', questions());
    for (const verdict of Object.values(verdicts)) {
      expect(verdict.kind).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/^LLM server: .*after 3 failed attempts/);
    }
    expect(sim.stats().requests).toBe(3);
    expect((await requestRows()).map((row) => row.status)).toEqual(['server', 'server', 'server']);
  });
});

describe('request pacer', () => {
  it('never has more than `concurrency` requests open', async () => {
    const pacer = createRequestPacer(3);
    let open = 0;
    let peak = 0;
    const request = async () => {
      open += 1;
      peak = Math.max(peak, open);
      await new Promise((resolve) => setTimeout(resolve, 5));
      open -= 1;
    };
    await Promise.all(Array.from({ length: 20 }, () => pacer.bounded(request)));
    expect(peak).toBe(3);
  });
});

// The provider layer (src/llm) against local servers only: llm-sim for OpenAI and OpenAI-compatible,
// a tiny fake Messages API for Anthropic. Nothing here reaches the internet.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FamilyType, Family, IndicatorType, Orientation, TemporalAggregation } from '../src/domain/taxonomy.js';
import { createAnthropicProvider } from '../src/llm/anthropic.js';
import { describeConfig, loadLlmConfig, type LlmConfig } from '../src/llm/config.js';
import { parseDuration, redact, retryAfterMs } from '../src/llm/errors.js';
import { createProvider } from '../src/llm/index.js';
import { strictJsonSchema, type JsonSchema } from '../src/llm/json-schema.js';
import { costUsd, loadPricingTable, priceFor, requirePrice } from '../src/llm/pricing.js';
import { LlmError, type LlmProvider } from '../src/llm/provider.js';
import { strictSchemaProblem } from '../src/llm-sim/schema.js';
import { startLlmSim, type LlmSim, type LlmSimOptions } from '../src/llm-sim/server.js';

const API_KEY = 'sk-test-NEVER-LOG-THIS-0123456789abcd';

const Item = z.object({
  id: z.string().min(1),
  family: Family,
  type: IndicatorType,
  temporal_aggregation: TemporalAggregation,
  is_currency_denominated: z.boolean(),
  orientation: Orientation,
  confidence: z.number().min(0).max(1),
  reason: z.string().min(1),
});
const Batch = z.object({ results: z.array(Item) });
type Batch = z.infer<typeof Batch>;

const INDICATORS = [
  { id: 'ALB.GDP.QOQ', name: 'GDP Growth Rate', units: '%', periodicity: 'Quarterly', country: 'Albania' },
  { id: 'EUROAREAIMP', name: 'Imports', units: 'EUR Billion', periodicity: 'Monthly', country: 'Euro Area' },
  { id: 'USA.UNEMP', name: 'Unemployment Rate', units: 'percent', periodicity: 'monthly' },
];
const USER = `Classify these indicators.\n${JSON.stringify({ indicators: INDICATORS })}`;
/** A static prefix well over 1,024 tokens, so OpenAI's (and llm-sim's) prompt cache applies. */
const SYSTEM = [
  'You classify economic indicators into the taxonomy below. Answer with one result per indicator, in input order.',
  ...Array.from({ length: 120 }, (_, i) => `Rule ${i + 1}: an indicator whose units and name suggest category ${i % 7} is judged on its own evidence first.`),
].join('\n');

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'classify-llm-'));
  tempDirs.push(dir);
  return dir;
}

const sims: LlmSim[] = [];
async function sim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const started = await startLlmSim({ port: 0, seed: 1, logFile: join(await tempDir(), 'llm-sim.ndjson'), ...options });
  sims.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function openAiConfig(baseUrl: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { provider: 'openai', apiKey: API_KEY, model: 'gpt-5-mini', baseUrl, reasoningEffort: 'low', timeoutMs: 10_000, pricingFile: null, ...overrides };
}

function request(system = 'Classify economic indicators.') {
  return { system, user: USER, schemaName: 'classification_batch', schema: Batch };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error('expected an LlmError');
}

/** Every object node of a JSON schema, for structural assertions. */
function objectNodes(node: unknown, out: JsonSchema[] = []): JsonSchema[] {
  if (Array.isArray(node)) for (const item of node) objectNodes(item, out);
  else if (typeof node === 'object' && node !== null) {
    const record = node as JsonSchema;
    if (record.type === 'object') out.push(record);
    for (const value of Object.values(record)) objectNodes(value, out);
  }
  return out;
}

describe('strictJsonSchema', () => {
  it('turns the taxonomy batch schema into an OpenAI strict schema that llm-sim accepts', () => {
    const schema = strictJsonSchema(Batch);
    expect(strictSchemaProblem(schema)).toBeUndefined();
    for (const node of objectNodes(schema)) {
      expect(node.additionalProperties).toBe(false);
      expect(node.required).toEqual(Object.keys(node.properties as JsonSchema));
    }
    const text = JSON.stringify(schema);
    for (const keyword of ['minimum', 'maximum', 'minLength', 'pattern', 'format', '$schema', 'default', 'oneOf', 'const']) {
      expect(text).not.toContain(`"${keyword}"`);
    }
    expect(text).toContain(JSON.stringify(Family.options));
  });

  it('makes optional properties required and nullable, unions anyOf, and validation stays in zod', () => {
    const schema = strictJsonSchema(
      z.object({ pair: FamilyType, note: z.string().optional(), currency: z.string().regex(/^[A-Z]{3}$/).nullable() }),
    );
    expect(strictSchemaProblem(schema)).toBeUndefined();
    const properties = schema.properties as Record<string, JsonSchema>;
    expect(schema.required).toEqual(['pair', 'note', 'currency']);
    expect(properties.note).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(Array.isArray(properties.pair?.anyOf)).toBe(true);
    expect(objectNodes(properties.pair).length).toBe(FamilyType.options.length);
  });

  it('refuses what strict mode cannot express', () => {
    expect(() => strictJsonSchema(z.object({ map: z.record(z.string(), z.number()) }))).toThrow(/open map/);
    expect(() => strictJsonSchema(z.array(z.string()) as unknown as z.ZodType)).toThrow(/root must be a z.object/);
  });
});

describe('OpenAI provider against llm-sim', () => {
  it('round-trips a 3-indicator batch with usage mapped, then hits the prompt cache', async () => {
    const s = await sim();
    const provider = createProvider(openAiConfig(s.url));
    expect(provider?.provider).toBe('openai');
    if (!provider) return;
    const first = await provider.complete(request(SYSTEM));
    const value: Batch = first.value;
    expect(Batch.parse(value)).toEqual(value);
    expect(value.results.map((r) => r.id)).toEqual(INDICATORS.map((i) => i.id));
    expect(value.results[1]?.is_currency_denominated).toBe(true);
    expect(JSON.parse(first.raw)).toEqual(value);
    expect(first.model).toBe('gpt-5-mini');
    expect(first.requestId).toMatch(/^req_/);
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    const stats = s.stats();
    expect(first.usage).toEqual({
      inputTokens: stats.prompt_tokens,
      cachedTokens: 0,
      outputTokens: stats.completion_tokens,
      reasoningTokens: stats.reasoning_tokens,
    });
    expect(first.usage.inputTokens).toBeGreaterThan(1024);
    expect(first.usage.reasoningTokens).toBeGreaterThan(0); // gpt-5-mini reasons (effort low)

    const second = await provider.complete(request(SYSTEM));
    expect(second.usage.cachedTokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.cachedTokens).toBeLessThanOrEqual(second.usage.inputTokens);
    expect(s.stats().requests).toBe(2);
  });

  it('serves a non-reasoning model (temperature, no reasoning_effort) and an OpenAI-compatible server without a key', async () => {
    const s = await sim();
    const mini = createProvider(openAiConfig(s.url, { model: 'gpt-4o-mini' }));
    const answer = await mini?.complete(request());
    expect(answer?.usage.reasoningTokens).toBe(0);
    const local = createProvider(openAiConfig(s.url, { provider: 'openai-compatible', apiKey: null, model: 'llama3.1' }));
    expect(local?.provider).toBe('openai-compatible');
    expect((await local?.complete(request()))?.value.results).toHaveLength(3);
  });

  it('reports a 429 as rate-limit with the wait, and the SDK does not retry', async () => {
    const s = await sim({ rpm: 1 });
    const provider = createProvider(openAiConfig(s.url)) as LlmProvider;
    await provider.complete(request());
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('rate-limit');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(error.retryable).toBe(true);
    const stats = s.stats();
    expect(stats.requests).toBe(2);
    expect(stats.by_status).toEqual({ '200': 1, '429': 1 });
  });

  it('reports 5xx as server, once', async () => {
    const s = await sim({ errorRate: 1 });
    const error = await failure((createProvider(openAiConfig(s.url)) as LlmProvider).complete(request()));
    expect(error.kind).toBe('server');
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(s.stats().requests).toBe(1);
  });

  it('reports an answer outside the schema as invalid-answer, keeping raw text and usage', async () => {
    const s = await sim({ malformedRate: 1 });
    const provider = createProvider(openAiConfig(s.url)) as LlmProvider;
    for (let i = 0; i < 3; i++) {
      const error = await failure(provider.complete(request()));
      expect(error.kind).toBe('invalid-answer');
      expect(error.raw).not.toBeNull();
      expect(error.usage.inputTokens).toBeGreaterThan(0);
      expect(error.usage.outputTokens).toBeGreaterThan(0);
      expect(error.requestId).toMatch(/^req_/);
    }
    expect(s.stats().requests).toBe(3);
  });

  it('reports a held request as timeout and a caller abort as aborted', async () => {
    const s = await sim({ timeoutRate: 1 });
    const provider = createProvider(openAiConfig(s.url, { timeoutMs: 300 })) as LlmProvider;
    expect((await failure(provider.complete(request()))).kind).toBe('timeout');
    const slow = createProvider(openAiConfig(s.url)) as LlmProvider;
    const error = await failure(slow.complete({ ...request(), signal: AbortSignal.timeout(100) }));
    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
  });

  it('reports a refused connection as unreachable (it never reached the provider), naming the socket error', async () => {
    const s = await sim();
    const url = s.url;
    await s.close();
    sims.splice(sims.indexOf(s), 1);
    const error = await failure((createProvider(openAiConfig(url)) as LlmProvider).complete(request()));
    expect(error.kind).toBe('unreachable');
    expect(error.reachedProvider).toBe(false);
    expect(error.message).toMatch(/^cannot reach the provider: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });
});

/** A server answering 200 with an HTML page to everything (a web server, a proxy's login page). */
async function htmlServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>${'x'.repeat(500)} ${API_KEY}</body></html>`);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => closeServer(server) };
}

describe('a 200 that is not the API', () => {
  it('OpenAI and Anthropic: invalid-response, not retried, the page quoted briefly and redacted', async () => {
    const html = await htmlServer();
    try {
      const configs: LlmConfig[] = [
        openAiConfig(`${html.url}/v1`),
        { ...openAiConfig(html.url), provider: 'anthropic', apiKey: API_KEY, model: 'claude-haiku-4-5' },
      ];
      for (const config of configs) {
        const error = await failure((createProvider(config) as LlmProvider).complete(request()));
        expect(error.kind, config.provider).toBe('invalid-response');
        expect(error.retryable).toBe(false);
        expect(error.reachedProvider).toBe(true);
        expect(error.status).toBe(200);
        expect(error.message).toMatch(/^HTTP 200 \(text\/html; charset=utf-8\) but the body is not the API's answer: "<!DOCTYPE html> <html><head><title>Sign in/);
        expect(error.message.length).toBeLessThan(250);
        expect(error.message).not.toContain(API_KEY);
      }
      expect(html.hits()).toBe(2);
    } finally {
      await html.close();
    }
  });
});

/** An OpenAI-shaped server that answers 401 quoting the key, as the real API does (partly masked). */
async function leakyServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. Also ${key.slice(0, 8)}***${key.slice(-4)}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/v1`, close: () => closeServer(server) };
}

describe('keys never leak', () => {
  it('keeps a bad key out of error messages and describeConfig', async () => {
    const leaky = await leakyServer();
    try {
      const config = openAiConfig(leaky.url);
      const error = await failure((createProvider(config) as LlmProvider).complete(request()));
      expect(error.kind).toBe('auth');
      expect(error.retryable).toBe(false);
      for (const text of [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(API_KEY.slice(-12));
        expect(text).not.toContain('sk-test');
      }
      const described = describeConfig(config);
      expect(described).toContain('key set');
      expect(described).not.toContain(API_KEY);
      expect(described).not.toContain('sk-');
    } finally {
      await leaky.close();
    }
  });

  it('redacts secrets, key-shaped strings and bearer tokens', () => {
    expect(redact('key sk-abc123456 and Bearer xyz.123 and mysecretvalue', ['mysecretvalue'])).toBe(
      'key [redacted] and Bearer [redacted] and [redacted]',
    );
  });
});

describe('retry-after', () => {
  it('reads retry-after-ms, retry-after (seconds or date) and reset headers', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500.2', 'retry-after': '9' }), now)).toBe(1501);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sat, 28 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset-requests': '1.928s', 'x-ratelimit-reset-tokens': '6m0s' }), now)).toBe(360_000);
    expect(retryAfterMs(new Headers({ 'anthropic-ratelimit-requests-reset': '2026-11-28T10:00:02Z' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers(), now)).toBeNull();
    expect(parseDuration('17ms')).toBe(17);
    expect(parseDuration('soon')).toBeNull();
  });
});

describe('config', () => {
  const noFile = { envFile: '/nonexistent/.env' };

  it('defaults: none → null (rules only); OpenAI key → openai gpt-5-mini, effort low', () => {
    expect(loadLlmConfig({ env: {}, ...noFile })).toBeNull();
    expect(describeConfig(null)).toMatch(/rules only/);
    expect(loadLlmConfig({ env: { OPENAI_API_KEY: API_KEY }, ...noFile })).toEqual({
      provider: 'openai',
      apiKey: API_KEY,
      model: 'gpt-5-mini',
      baseUrl: null,
      reasoningEffort: 'low',
      timeoutMs: 120_000,
      pricingFile: null,
    });
    const anthropic = loadLlmConfig({ env: { ANTHROPIC_API_KEY: 'sk-ant-x1234' }, ...noFile });
    expect([anthropic?.provider, anthropic?.model]).toEqual(['anthropic', 'claude-haiku-4-5']);
    // Both keys: OpenAI first, unless LLM_PROVIDER says otherwise.
    const both = { OPENAI_API_KEY: API_KEY, ANTHROPIC_API_KEY: 'sk-ant-x1234' };
    expect(loadLlmConfig({ env: both, ...noFile })?.provider).toBe('openai');
    expect(loadLlmConfig({ env: { ...both, LLM_PROVIDER: 'anthropic' }, ...noFile })?.provider).toBe('anthropic');
    expect(loadLlmConfig({ env: { ...both, LLM_PROVIDER: 'none' }, ...noFile })).toBeNull();
  });

  it('reads .env without touching process.env, and the environment wins', async () => {
    const dir = await tempDir();
    const envFile = join(dir, '.env');
    await writeFile(envFile, `OPENAI_API_KEY=${API_KEY}\nOPENAI_MODEL=gpt-4o-mini\nLLM_REASONING_EFFORT=medium\nCLASSIFY_TEST_ONLY=1\n`);
    const config = loadLlmConfig({ env: { OPENAI_MODEL: 'gpt-5-nano', LLM_TIMEOUT_MS: '5000' }, envFile });
    expect(config).toMatchObject({ provider: 'openai', apiKey: API_KEY, model: 'gpt-5-nano', reasoningEffort: 'medium', timeoutMs: 5000 });
    expect(process.env.CLASSIFY_TEST_ONLY).toBeUndefined();
  });

  it('openai-compatible needs a base URL but no key; bad values fail without echoing the key', () => {
    const local = loadLlmConfig({ env: { LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_MODEL: 'llama3.1' }, ...noFile });
    expect(local).toMatchObject({ provider: 'openai-compatible', apiKey: null, model: 'llama3.1' });
    expect(describeConfig(local)).toContain('no key');
    expect(() => loadLlmConfig({ env: { LLM_PROVIDER: 'openai-compatible' }, ...noFile })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadLlmConfig({ env: { LLM_PROVIDER: 'anthropic' }, ...noFile })).toThrow(/ANTHROPIC_API_KEY/);
    const bad = { OPENAI_API_KEY: API_KEY, LLM_REASONING_EFFORT: 'extreme', LLM_PROVIDER: 'openai' };
    expect(() => loadLlmConfig({ env: bad, ...noFile })).toThrow(/reasoningEffort/);
    let message = '';
    try {
      loadLlmConfig({ env: { ...bad, OPENAI_BASE_URL: 'not a url' }, ...noFile });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/invalid LLM configuration: .*baseUrl/);
    expect(message).not.toContain(API_KEY);
  });
});

describe('pricing', () => {
  it('computes gpt-5-mini cost by hand', () => {
    // gpt-5-mini: $0.25 input, $0.025 cached input, $2.00 output per 1M tokens.
    // 1,000,000 input of which 400,000 cached: 600,000 × 0.25/1M = $0.15; 400,000 × 0.025/1M = $0.01.
    // 10,000 output (4,000 of them reasoning, already inside): 10,000 × 2.00/1M = $0.02. Total $0.18.
    const usage = { inputTokens: 1_000_000, cachedTokens: 400_000, outputTokens: 10_000, reasoningTokens: 4_000 };
    expect(costUsd('gpt-5-mini', usage)).toBeCloseTo(0.18, 12);
    expect(costUsd('gpt-4o-mini-2024-07-18', usage)).toBeCloseTo(0.09 + 0.03 + 0.006, 12); // 600k×0.15 + 400k×0.075 + 10k×0.60
  });

  it('computes Claude Haiku 4.5 cost with cache reads and writes by hand', () => {
    // claude-haiku-4-5: $1 input, $0.10 cache read, $1.25 cache write, $5 output per 1M tokens.
    // 10,000 prompt tokens = 4,000 fresh ($0.004) + 2,000 read ($0.0002) + 4,000 written ($0.005); 1,000 output ($0.005).
    const usage = { inputTokens: 10_000, cachedTokens: 2_000, cacheWriteTokens: 4_000, outputTokens: 1_000, reasoningTokens: 0 };
    expect(costUsd('claude-haiku-4-5-20251001', usage)).toBeCloseTo(0.0142, 12);
  });

  it('has every listed model, returns null for an unknown one, and takes overrides', async () => {
    for (const model of ['gpt-5-mini', 'gpt-5-nano', 'gpt-4.1-mini', 'gpt-4o-mini', 'claude-haiku-4-5', 'claude-3-5-haiku', 'claude-sonnet-4-5', 'claude-sonnet-4']) {
      expect(priceFor(model)).toBeDefined();
    }
    const usage = { inputTokens: 1_000_000, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    expect(costUsd('my-local-llama', usage)).toBeNull();
    expect(() => requirePrice('my-local-llama')).toThrow(/no price for model "my-local-llama".*LLM_PRICING_FILE/);
    const dir = await tempDir();
    const file = join(dir, 'prices.json');
    await writeFile(file, JSON.stringify({ 'my-local-llama': { input: 0, cachedInput: 0, output: 0 }, 'gpt-5-mini': { input: 1, cachedInput: 0.1, output: 8 } }));
    const table = loadPricingTable({ file });
    expect(costUsd('my-local-llama', usage, table)).toBe(0);
    expect(costUsd('gpt-5-mini', usage, table)).toBe(1);
    expect(costUsd('gpt-5-mini', usage, loadPricingTable({ file, overrides: { 'gpt-5-mini': { input: 2, cachedInput: 0.2, output: 8 } } }))).toBe(2);
    await writeFile(file, JSON.stringify({ 'gpt-5-mini': { input: -1, cachedInput: 0, output: 0 } }));
    expect(() => loadPricingTable({ file })).toThrow(/pricing file .*gpt-5-mini\.input/);
  });
});

type Recorded = { method: string; path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };

/** A fake Anthropic Messages API: records each request, answers per `mode`. */
class FakeAnthropic {
  readonly requests: Recorded[] = [];
  mode: 'ok' | 'rate-limit' | 'bad-answer' = 'ok';
  url = '';
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${this.requests.length}`, ...headers });
        res.end(JSON.stringify(payload));
      };
      if (this.mode === 'rate-limit') {
        json(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }, { 'retry-after': '7' });
        return;
      }
      const results = INDICATORS.map((indicator) => ({
        id: indicator.id,
        family: 'numeric-measurement',
        type: 'percentage',
        temporal_aggregation: 'period-rate',
        is_currency_denominated: false,
        orientation: 'neutral',
        confidence: this.mode === 'bad-answer' ? 7 : 0.9,
        reason: 'fake',
      }));
      json(200, {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5-20251001',
        content: [{ type: 'tool_use', id: 'toolu_fake', name: 'classification_batch', input: { results } }],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 300 },
      });
    });
  });

  async start(): Promise<void> {
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

describe('Anthropic provider against a fake Messages API', () => {
  const fake = new FakeAnthropic();
  const ANTHROPIC_KEY = 'sk-ant-test-NEVER-LOG-0123456789';
  let provider: LlmProvider;
  beforeAll(async () => {
    await fake.start();
    const config = loadLlmConfig({ env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url }, envFile: '/nonexistent/.env' });
    if (!config) throw new Error('no config');
    provider = createAnthropicProvider(config);
  });
  afterAll(() => fake.close());

  it('sends one forced tool, a cached system block and the right headers; maps the answer and usage', async () => {
    fake.mode = 'ok';
    const answer = await provider.complete({ ...request(SYSTEM), maxOutputTokens: 2000 });
    const sent = fake.requests.at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a bearer token; earlier versions used x-api-key. Either is the Messages API's.
    const key = sent?.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(sent?.headers.authorization ?? '')?.[1];
    expect(key).toBe(ANTHROPIC_KEY);
    expect(sent?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent?.body).toMatchObject({
      model: 'claude-haiku-4-5',
      max_tokens: 2000,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: USER }],
      tool_choice: { type: 'tool', name: 'classification_batch' },
    });
    const tools = sent?.body.tools as { name: string; input_schema: JsonSchema }[];
    expect(tools).toHaveLength(1);
    expect(tools[0]?.name).toBe('classification_batch');
    expect(tools[0]?.input_schema).toEqual(strictJsonSchema(Batch));
    expect(answer.value.results.map((r) => r.id)).toEqual(INDICATORS.map((i) => i.id));
    expect(answer.usage).toEqual({ inputTokens: 2168, cachedTokens: 2048, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 });
    expect(answer.requestId).toBe(`req_fake_${fake.requests.length}`);
    expect(answer.model).toBe('claude-haiku-4-5-20251001');
  });

  it('reports a 429 as rate-limit with retry-after, without an SDK retry', async () => {
    fake.mode = 'rate-limit';
    const before = fake.requests.length;
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('rate-limit');
    expect(error.retryAfterMs).toBe(7000);
    expect(fake.requests.length).toBe(before + 1);
    expect(inspect(error)).not.toContain(ANTHROPIC_KEY);
  });

  it('validates the tool input: out of schema → invalid-answer with usage', async () => {
    fake.mode = 'bad-answer';
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('invalid-answer');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.usage.outputTokens).toBe(300);
    expect(error.raw).toContain('"confidence":7');
  });
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

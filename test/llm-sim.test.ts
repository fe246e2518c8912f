// The LLM simulator, driven by the official openai SDK exactly as the product will drive it.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { encode, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI, { APIConnectionError, InternalServerError, RateLimitError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Indicator, type IndicatorInput } from '../src/domain/indicator.js';
import { Family, IndicatorType, Orientation, ReportingFrequency, TemporalAggregation } from '../src/domain/taxonomy.js';
import type { LogEntry, SimStatsReply } from '../src/llm-sim/log.js';
import { startLlmSim, type LlmSim, type LlmSimOptions } from '../src/llm-sim/server.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

const API_KEY = 'sk-test-DO-NOT-LOG-0123456789';

const INDICATORS: IndicatorInput[] = [
  {
    id: 'ALB.GDP.QOQ',
    name: 'GDP Growth Rate',
    units: '%',
    periodicity: 'Quarterly',
    country: 'Albania',
    sample_values: [
      { date: '2024-Q1', value: 0.8 },
      { date: '2024-Q2', value: 1.1 },
    ],
  },
  { id: 'EUROAREAIMP', name: 'Imports', units: 'EUR Billion', periodicity: 'Monthly', country: 'Euro Area' },
  { id: 'USA.UNEMP', name: 'Unemployment Rate', units: 'percent', periodicity: 'monthly' },
];

/** The answer schema, strict-mode style, with the item behind a $ref as zod or pydantic emit it. */
const SCHEMA = {
  type: 'object',
  $defs: {
    item: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        family: { type: 'string', enum: Family.options },
        type: { type: 'string', enum: IndicatorType.options },
        temporal_aggregation: { type: 'string', enum: TemporalAggregation.options },
        is_currency_denominated: { type: 'boolean' },
        orientation: { type: 'string', enum: Orientation.options },
        reporting_frequency: { type: 'string', enum: ReportingFrequency.options },
        currency: { anyOf: [{ type: 'string', pattern: '^[A-Z]{3}$' }, { type: 'null' }] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        reason: { type: 'string' },
        needs_review: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: [
        'id',
        'family',
        'type',
        'temporal_aggregation',
        'is_currency_denominated',
        'orientation',
        'reporting_frequency',
        'currency',
        'confidence',
        'reason',
        'needs_review',
        'tags',
      ],
      additionalProperties: false,
    },
  },
  properties: {
    results: { type: 'array', items: { $ref: '#/$defs/item' } },
    batch_note: { type: 'string' },
  },
  required: ['results', 'batch_note'],
  additionalProperties: false,
} as const;

const RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: { name: 'classification_batch', strict: true, schema: SCHEMA },
} as const;

function messages(indicators: readonly IndicatorInput[], system = 'Classify each indicator. Answer with JSON.') {
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Classify these indicators:\n${JSON.stringify({ indicators })}` },
  ] satisfies ChatCompletionMessageParam[];
}

function request(extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}): ChatCompletionCreateParamsNonStreaming {
  return { model: 'gpt-4o-mini', messages: messages(INDICATORS), response_format: RESPONSE_FORMAT, ...extra };
}

const ajv = new Ajv({ strict: false });
const validateAnswer = ajv.compile(SCHEMA);

let dir = '';
const running: LlmSim[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'classify-llm-sim-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

let logs = 0;
async function start(options: LlmSimOptions = {}): Promise<{ sim: LlmSim; client: OpenAI }> {
  const sim = await startLlmSim({ logFile: join(dir, `sim-${++logs}.ndjson`), ...options });
  running.push(sim);
  return { sim, client: new OpenAI({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0, timeout: 5_000 }) };
}

async function readLog(sim: LlmSim): Promise<LogEntry[]> {
  const text = await readFile(sim.logFile, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogEntry);
}

function contentOf(completion: OpenAI.ChatCompletion): string {
  const content = completion.choices[0]?.message.content;
  if (typeof content !== 'string') throw new Error('no content');
  return content;
}

describe('llm-sim: structured outputs', () => {
  it('answers a 3-indicator batch in OpenAI shape, valid for the schema, with the rule engine family per id', async () => {
    const { client } = await start();
    const { data, response } = await client.chat.completions.create(request()).withResponse();

    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(data.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('gpt-4o-mini');
    expect(data.created).toBeCloseTo(Date.now() / 1000, -2);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated in the types, still sent by the API.
    expect(data.system_fingerprint).toMatch(/^fp_/);
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } });

    const answer = JSON.parse(contentOf(data)) as { results: { id: string; family: string; type: string; reason: string }[] };
    expect(validateAnswer(answer), JSON.stringify(validateAnswer.errors)).toBe(true);
    expect(answer.results.map((r) => r.id)).toEqual(INDICATORS.map((i) => i.id));
    for (const [index, input] of INDICATORS.entries()) {
      const expected = classifyWithRules(Indicator.parse(input));
      expect(answer.results[index]).toMatchObject({ family: expected.family.family, type: expected.type.type });
      expect(answer.results[index]?.reason).toMatch(/^\[llm-sim\] /);
    }
  });

  it('fills a schema made with the SDK zod helper, as the product will send it', async () => {
    const { client } = await start();
    const Item = z.object({
      id: z.string(),
      family: Family,
      type: IndicatorType,
      orientation: Orientation,
      confidence: z.number().min(0).max(1),
      reason: z.string(),
    });
    const Answer = z.object({ results: z.array(Item) });
    const completion = await client.chat.completions.create({
      model: 'gpt-5-mini',
      reasoning_effort: 'low',
      messages: messages(INDICATORS),
      response_format: zodResponseFormat(Answer, 'batch'),
    });
    const answer = Answer.parse(JSON.parse(contentOf(completion)));
    const expected = INDICATORS.map((input) => classifyWithRules(Indicator.parse(input)));
    expect(answer.results.map((r) => r.orientation)).toEqual(expected.map((c) => c.orientation.orientation));
    // Item-level confidence comes from the stage of the first field asked for (family).
    expect(answer.results.map((r) => r.confidence)).toEqual(expected.map((c) => c.family.confidence));
  });

  it('refuses what the real API refuses: streaming, a non-strict schema in strict mode, max_tokens on a reasoning model', async () => {
    const { client } = await start();
    await expect(client.chat.completions.create({ ...request(), stream: true })).rejects.toMatchObject({
      status: 400,
      param: 'stream',
      type: 'invalid_request_error',
    });
    const loose = { ...SCHEMA, additionalProperties: true };
    await expect(
      client.chat.completions.create(request({ response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: loose } } })),
    ).rejects.toMatchObject({
      status: 400,
      param: 'response_format',
      message: expect.stringContaining("Invalid schema for response_format 'x': In context=(), 'additionalProperties'") as unknown,
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- sending the deprecated parameter is the point.
    await expect(client.chat.completions.create(request({ model: 'gpt-5-mini', max_tokens: 100 }))).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
    });
  });

  it('lists models', async () => {
    const { client } = await start();
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5-mini');
  });
});

describe('llm-sim: usage', () => {
  it('counts prompt and completion tokens with o200k_base, schema included; reasoning inside completion', async () => {
    const { client } = await start({ reasoningFraction: 0.5 });
    const plain = await client.chat.completions.create(request());
    const expectedPrompt = encodeChat(
      [{ role: 'system', content: JSON.stringify(RESPONSE_FORMAT.json_schema) }, ...messages(INDICATORS)],
      'gpt-4o',
    ).length;
    const visible = encode(contentOf(plain)).length;
    expect(plain.usage).toEqual({
      prompt_tokens: expectedPrompt,
      completion_tokens: visible,
      total_tokens: expectedPrompt + visible,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });

    // gpt-5-mini reasons: fraction 0.5 → as many reasoning tokens as visible ones at medium effort, half at low.
    const medium = await client.chat.completions.create(request({ model: 'gpt-5-mini' }));
    expect(medium.usage?.completion_tokens_details?.reasoning_tokens).toBe(visible);
    expect(medium.usage?.completion_tokens).toBe(2 * visible);
    const low = await client.chat.completions.create(request({ model: 'gpt-5-mini', reasoning_effort: 'low' }));
    expect(low.usage?.completion_tokens_details?.reasoning_tokens).toBe(Math.round(visible / 2));
  });

  it('cuts the answer at max_completion_tokens with finish_reason "length"', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create(request({ max_completion_tokens: 20 }));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(20);
    expect(() => JSON.parse(contentOf(completion)) as unknown).toThrow();
  });

  it('bills cached tokens by OpenAI rule: ≥ 1,024 identical prefix tokens, in 128-token steps', async () => {
    const { client } = await start();
    const longSystem = Array.from({ length: 160 }, (_, i) => `Rule ${i}: classify indicator families carefully.`).join('\n');
    const first = messages(INDICATORS.slice(0, 1), longSystem);
    const second = messages(INDICATORS.slice(1), longSystem);
    const a = await client.chat.completions.create(request({ messages: first }));
    const b = await client.chat.completions.create(request({ messages: second }));
    expect(a.usage?.prompt_tokens_details?.cached_tokens).toBe(0);

    const tokens = (m: ChatCompletionMessageParam[]) =>
      encodeChat([{ role: 'system', content: JSON.stringify(RESPONSE_FORMAT.json_schema) }, ...(m as { role: string; content: string }[])], 'gpt-4o');
    const ta = tokens(first);
    const tb = tokens(second);
    let common = 0;
    while (common < ta.length && ta[common] === tb[common]) common++;
    expect(common).toBeGreaterThan(1024);
    const cached = b.usage?.prompt_tokens_details?.cached_tokens ?? -1;
    expect(cached).toBe(Math.floor(common / 128) * 128);
    expect(cached % 128).toBe(0);
    expect(cached).toBeGreaterThanOrEqual(1024);

    // Short prompts are never cached, however often they repeat.
    await client.chat.completions.create(request());
    const short = await client.chat.completions.create(request());
    expect(short.usage?.prompt_tokens).toBeLessThan(1024);
    expect(short.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });
});

describe('llm-sim: limits and faults', () => {
  it('answers 429 with OpenAI headers and body past the RPM limit; the SDK raises RateLimitError', async () => {
    const { client } = await start({ rpm: 2 });
    const ok = await client.chat.completions.create(request()).withResponse();
    expect(ok.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(ok.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(ok.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+(\.\d+)?(ms|s)$/); // "17ms", "1.2s", "1m0s"
    await client.chat.completions.create(request());

    const error = await client.chat.completions.create(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ type: 'requests', param: null, code: 'rate_limit_exceeded' });
    expect(limited.message).toMatch(
      /Rate limit reached for gpt-4o-mini in organization \S+ on requests per min \(RPM\): Limit 2, Used 2, Requested 1\. Please try again in \d+(\.\d+)?s\./,
    );
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const retryAfter = Number(limited.headers.get('retry-after'));
    const retryAfterMs = Number(limited.headers.get('retry-after-ms'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(retryAfterMs).toBeGreaterThan(59_000);
    expect(limited.requestID).toMatch(/^req_/);
  });

  it('answers 429 "tokens" past the TPM limit', async () => {
    const { client } = await start({ tpm: 1500 });
    const first = await client.chat.completions.create(request());
    expect(first.usage?.total_tokens).toBeGreaterThan(750);
    const error = await client.chat.completions.create(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect((error as RateLimitError).message).toContain('on tokens per min (TPM): Limit 1500, Used');
    expect((error as RateLimitError).headers.get('x-ratelimit-limit-tokens')).toBe('1500');
  });

  it('injects 5xx at error-rate 1', async () => {
    const { client } = await start({ errorRate: 1, seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const error = await client.chat.completions.create(request()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InternalServerError);
      statuses.push((error as InternalServerError).status);
    }
    for (const status of statuses) expect([500, 502, 503]).toContain(status);
  });

  it('answers content that fails JSON.parse or the schema at malformed-rate 1', async () => {
    const { client } = await start({ malformedRate: 1, seed: 3 });
    for (let i = 0; i < 6; i++) {
      const content = contentOf(await client.chat.completions.create(request()));
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch {
        continue; // Not JSON: malformed.
      }
      expect(validateAnswer(parsed)).toBe(false);
    }
  });

  it('holds requests at timeout-rate 1 until the client gives up or the connection is cut', async () => {
    const { sim, client } = await start({ timeoutRate: 1, timeoutMs: 300 });
    const cut = await client.chat.completions.create(request()).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(APIConnectionError);
    const impatient = new OpenAI({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0, timeout: 100 });
    const gaveUp = await impatient.chat.completions.create(request()).catch((e: unknown) => e);
    expect(gaveUp).toBeInstanceOf(APIConnectionError);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const entries = await readLog(sim);
    expect(entries.map((e) => [e.status, e.fault])).toEqual([
      [0, 'timeout'],
      [0, 'timeout'],
    ]);
  });

  it('counts a request as open in /sim/stats until its line is written', async () => {
    const { sim } = await start({ timeoutRate: 1, timeoutMs: 60_000 });
    const statsUrl = `${sim.url.replace(/\/v1$/, '')}/sim/stats`;
    const openRequests = async (): Promise<number> => ((await (await fetch(statsUrl)).json()) as SimStatsReply).open_requests;
    expect(await openRequests()).toBe(0);
    const controller = new AbortController();
    const client = new OpenAI({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
    const held = client.chat.completions.create(request(), { signal: controller.signal }).catch((e: unknown) => e);
    await until(async () => (await openRequests()) === 1);
    expect(await readLog(sim)).toEqual([]);
    controller.abort();
    await held;
    await until(async () => (await openRequests()) === 0);
    expect((await readLog(sim)).map((e) => [e.status, e.fault])).toEqual([[0, 'timeout']]);
  });

  it('draws the same faults for the same seed', async () => {
    const statuses = async (seed: number) => {
      const { client } = await start({ errorRate: 0.5, seed });
      const out: number[] = [];
      for (let i = 0; i < 8; i++) {
        const result = await client.chat.completions.create(request()).then(
          () => 200,
          (e: unknown) => (e as InternalServerError).status,
        );
        out.push(result);
      }
      return out;
    };
    const a = await statuses(42);
    expect(await statuses(42)).toEqual(a);
    expect(a.some((s) => s === 200) && a.some((s) => s >= 500)).toBe(true);
  });

  it('applies the configured latency', async () => {
    const { client } = await start({ latencyMs: 150 });
    const started = performance.now();
    await client.chat.completions.create(request());
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('llm-sim: auth, log and stats', () => {
  it('answers 401 without a bearer key', async () => {
    const { sim } = await start();
    const response = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request()),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(body.error.message).toMatch(/^You didn't provide an API key/);
  });

  it('logs one NDJSON line per request without the key, and /sim/stats adds them up', async () => {
    const { sim, client } = await start({ rpm: 3 });
    await client.chat.completions.create(request());
    await client.chat.completions.create(request({ model: 'gpt-5-mini' }));
    await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{}' }); // 401
    await client.chat.completions.create(request()); // the third request the RPM limit admits
    await client.chat.completions.create(request()).catch(() => undefined); // 429

    const text = await readFile(sim.logFile, 'utf8');
    expect(text).not.toContain(API_KEY);
    const entries = await readLog(sim);
    expect(entries.map((e) => e.status)).toEqual([200, 200, 401, 200, 429]);
    expect(entries[4]?.fault).toBe('rate-limit-requests');
    expect(new Set(entries.map((e) => e.request_id)).size).toBe(5);
    for (const entry of entries.filter((e) => e.status === 200)) {
      expect(entry).toMatchObject({ indicators: 3, key: expect.stringMatching(/^[0-9a-f]{12}$/) as unknown });
      expect(entry.prompt_tokens).toBeGreaterThan(0);
    }

    const { open_requests: open, ...stats } = (await (await fetch(`${sim.url.replace(/\/v1$/, '')}/sim/stats`)).json()) as SimStatsReply;
    expect(open).toBe(0);
    expect(stats).toEqual(sim.stats());
    expect(stats.requests).toBe(5);
    expect(stats.by_status).toEqual({ '200': 3, '401': 1, '429': 1 });
    const billed = entries.filter((e) => e.status === 200);
    const sum = (field: 'prompt_tokens' | 'completion_tokens' | 'reasoning_tokens' | 'cached_tokens') =>
      billed.reduce((total, e) => total + e[field], 0);
    expect(stats.prompt_tokens).toBe(sum('prompt_tokens'));
    expect(stats.completion_tokens).toBe(sum('completion_tokens'));
    expect(stats.reasoning_tokens).toBe(sum('reasoning_tokens'));
    expect(stats.reasoning_tokens).toBeGreaterThan(0);
    expect(stats.indicators).toBe(9);
  });
});

/** Polls `check` until it holds; the ceiling only bounds a hang. */
async function until(check: () => Promise<boolean>, ceilingMs = 60_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${ceilingMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The run's LLM preflight (src/llm/preflight.ts) against local servers only: llm-sim, with and
// without faults, and tiny servers answering 401 or an HTML page; a closed port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts } from '../src/engine/ports.js';
import type { LlmConfig } from '../src/llm/config.js';
import { createProvider } from '../src/llm/index.js';
import { preflight, type PreflightResult } from '../src/llm/preflight.js';
import type { LlmProvider } from '../src/llm/provider.js';
import { startLlmSim, type LlmSim, type LlmSimOptions } from '../src/llm-sim/server.js';
import { useFixedServers } from './fixed-server.js';

const KEY = 'sk-test-preflight-0123456789';
const serve = useFixedServers();
const sims: LlmSim[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function config(baseUrl: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { provider: 'openai', apiKey: KEY, model: 'gpt-5-mini', baseUrl, reasoningEffort: 'low', timeoutMs: 10_000, pricingFile: null, ...overrides };
}

async function check(settings: LlmConfig): Promise<PreflightResult> {
  return preflight(createProvider(settings) as LlmProvider, settings);
}

async function sim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const dir = await mkdtemp(join(tmpdir(), 'classify-preflight-'));
  dirs.push(dir);
  const started = await startLlmSim({ port: 0, seed: 1, logFile: join(dir, 'sim.ndjson'), ...options });
  sims.push(started);
  return started;
}

describe('LLM preflight', () => {
  it('passes against llm-sim with one tiny request', async () => {
    const s = await sim();
    const result = await check(config(s.url));
    expect(result).toMatchObject({ verdict: { kind: 'passed' }, status: 'ok' });
    expect(s.stats().requests).toBe(1);
    expect(s.stats().indicators).toBe(0);
    // Tiny: no system prefix of the stages, a one-line answer.
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeLessThan(200);
    expect(result.usage.outputTokens).toBeLessThanOrEqual(64);
  });

  it('passes when the model answers badly (the key and the endpoint work), and only warns on 5xx / 429', async () => {
    expect(await check(config((await sim({ malformedRate: 1 })).url))).toMatchObject({ verdict: { kind: 'passed' }, status: 'invalid-answer' });
    const failing = await check(config((await sim({ errorRate: 1 })).url));
    expect(failing).toMatchObject({ verdict: { kind: 'uncertain' }, status: 'server' });
  });

  it('a held request is a timeout within the configured timeout: a warning, not a failure', async () => {
    const s = await sim({ timeoutRate: 1 });
    const result = await check(config(s.url, { timeoutMs: 500 }));
    expect(result).toMatchObject({ verdict: { kind: 'uncertain' }, status: 'timeout' });
  });

  it('fails on a refused key (401), naming the key variable, without the key', async () => {
    const server = await serve(401, 'application/json', JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } }));
    const result = await check(config(server.url));
    expect(result.status).toBe('auth');
    expect(result.verdict.kind).toBe('failed');
    if (result.verdict.kind === 'failed') {
      expect(result.verdict.hint).toBe('check OPENAI_API_KEY');
      expect(result.verdict.error.message).toMatch(/^HTTP 401: /);
      expect(result.verdict.error.message).not.toContain(KEY);
    }
    expect(server.hits()).toBe(1);
    const anthropic = await check(config(server.url.replace(/\/v1$/, ''), { provider: 'anthropic', model: 'claude-haiku-4-5' }));
    expect(anthropic.verdict).toMatchObject({ kind: 'failed', hint: 'check ANTHROPIC_API_KEY' });
  });

  it('fails on a 200 with an HTML body: not the API', async () => {
    const server = await serve(200, 'text/html', '<html><body>It works!</body></html>');
    const result = await check(config(server.url));
    expect(result).toMatchObject({ status: 'invalid-response', verdict: { kind: 'failed' } });
    if (result.verdict.kind === 'failed') expect(result.verdict.hint).toContain('check OPENAI_BASE_URL');
  });

  it('fails on a closed port (one attempt, no retries)', async () => {
    const [port = 0] = await freePorts(1);
    const result = await check(config(`http://127.0.0.1:${port}/v1`));
    expect(result).toMatchObject({ status: 'unreachable', verdict: { kind: 'failed' } });
    if (result.verdict.kind === 'failed') expect(result.verdict.hint).toBe(`nothing answers at http://127.0.0.1:${port}/v1: check OPENAI_BASE_URL and that the server runs`);
  });

  it('rethrows the caller abort instead of judging the provider', async () => {
    const s = await sim({ timeoutRate: 1 });
    const settings = config(s.url);
    await expect(preflight(createProvider(settings) as LlmProvider, settings, AbortSignal.timeout(100))).rejects.toMatchObject({ kind: 'aborted' });
  });
});

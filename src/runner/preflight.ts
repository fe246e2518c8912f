/**
 * The run's LLM preflight (src/llm/preflight.ts) before anything is submitted: recorded as a
 * request of the run (stage `preflight`, counted in llm_requests unless it never left the
 * machine), one line on how it went, and a thrown error — the run stops, exit 1 — when every
 * request would fail the same way.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { recordLlmRequest } from '../db/llm.js';
import type { LlmConfig } from '../llm/config.js';
import { createProvider } from '../llm/index.js';
import { preflight } from '../llm/preflight.js';
import { costUsd, loadPricingTable } from '../llm/pricing.js';

export async function checkLlm(pool: pg.Pool, config: LlmConfig, runId: string, options: { log: (line: string) => void; signal?: AbortSignal | undefined }): Promise<void> {
  const provider = createProvider(config);
  if (provider === null) return;
  const result = await preflight(provider, config, options.signal).catch((error: unknown) => {
    throw options.signal?.aborted === true ? new Error('interrupted before any indicator was submitted') : error;
  });
  await recordLlmRequest(pool, {
    id: randomUUID(),
    runId,
    stage: 'preflight',
    provider: provider.provider,
    model: result.model,
    indicators: 0,
    usage: result.usage,
    latencyMs: result.latencyMs,
    status: result.status,
    costUsd: costUsd(result.model, result.usage, loadPricingTable({ file: config.pricingFile })),
  });
  const { verdict } = result;
  switch (verdict.kind) {
    case 'passed':
      options.log(`LLM preflight: the provider answered in ${result.latencyMs} ms`);
      return;
    case 'uncertain':
      options.log(`LLM preflight: ${verdict.error.kind}: ${verdict.error.message} — going on (the run waits out and retries these)`);
      return;
    case 'failed':
      throw new Error(`LLM preflight failed: ${verdict.error.kind}: ${verdict.error.message} — ${verdict.hint}; nothing was submitted`);
  }
}

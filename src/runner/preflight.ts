/**
 * The run's LLM preflight (src/llm/preflight.ts), first thing, before the database, the import and
 * the engine: one line on how it went, and a thrown error — the run stops in seconds, exit 1 — when
 * every request would fail the same way. Once the database is open it is recorded as a request of
 * the run (stage `preflight`, counted in llm_requests unless it never left the machine).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { recordLlmRequest } from '../db/llm.js';
import type { LlmConfig } from '../llm/config.js';
import { createProvider } from '../llm/index.js';
import { preflight, type PreflightResult } from '../llm/preflight.js';
import { costUsd, loadPricingTable } from '../llm/pricing.js';
import type { ProviderName } from '../llm/provider.js';

/** A preflight that let the run go on, to be recorded. */
export interface CheckedLlm {
  readonly config: LlmConfig;
  readonly provider: ProviderName;
  readonly result: PreflightResult;
}

export async function checkLlm(config: LlmConfig, options: { log: (line: string) => void; signal?: AbortSignal | undefined }): Promise<CheckedLlm | null> {
  const provider = createProvider(config);
  if (provider === null) return null;
  const result = await preflight(provider, config, options.signal).catch((error: unknown) => {
    throw options.signal?.aborted === true ? new Error('interrupted before any indicator was submitted') : error;
  });
  const { verdict } = result;
  switch (verdict.kind) {
    case 'passed':
      options.log(`LLM preflight: the provider answered in ${result.latencyMs} ms`);
      break;
    case 'uncertain':
      options.log(`LLM preflight: ${verdict.error.kind}: ${verdict.error.message} — going on (the run waits out and retries these)`);
      break;
    case 'failed':
      throw new Error(`LLM preflight failed: ${verdict.error.kind}: ${verdict.error.message} — ${verdict.hint}; nothing was submitted`);
  }
  return { config, provider: provider.provider, result };
}

export async function recordPreflight(pool: pg.Pool, runId: string, checked: CheckedLlm): Promise<void> {
  const { result, config } = checked;
  await recordLlmRequest(pool, {
    id: randomUUID(),
    runId,
    stage: 'preflight',
    provider: checked.provider,
    model: result.model,
    indicators: 0,
    usage: result.usage,
    latencyMs: result.latencyMs,
    status: result.status,
    costUsd: costUsd(result.model, result.usage, loadPricingTable({ file: config.pricingFile })),
  });
}

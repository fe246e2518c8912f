/**
 * One tiny structured request before a run submits anything, so a refused key, a closed port or a
 * base URL that is not the API fails the run in seconds instead of turning every question into a
 * fallback. Any answer from the model — valid or not — passes: the key and the endpoint work.
 * Failures the provider would repeat for every request stop the run; passing ones (429, 5xx, a
 * timeout) only warn, as the run's own retries handle them.
 */
import { z } from 'zod';
import { baseUrlVariable, keyVariable, modelVariable, type LlmConfig } from './config.js';
import { LlmError, type LlmErrorKind, type LlmProvider, type TokenUsage } from './provider.js';

/** At most this long: a healthy provider answers a one-line request in a few seconds. */
export const PREFLIGHT_TIMEOUT_MS = 30_000;
/** Room for a reasoning model's few thoughts; a cut answer still passes (the key worked). */
const PREFLIGHT_MAX_OUTPUT_TOKENS = 64;

const PreflightAnswer = z.object({ ok: z.boolean() });

export type PreflightVerdict =
  /** The provider answered: go. */
  | { readonly kind: 'passed' }
  /** Every request would fail the same way: stop, with what to check. */
  | { readonly kind: 'failed'; readonly error: LlmError; readonly hint: string }
  /** A passing trouble (rate limit, server error, timeout): go, and say so. */
  | { readonly kind: 'uncertain'; readonly error: LlmError };

export interface PreflightResult {
  readonly verdict: PreflightVerdict;
  /** The request's outcome as the request log records it (`ok`, or the error kind). */
  readonly status: 'ok' | LlmErrorKind;
  readonly usage: TokenUsage;
  readonly latencyMs: number;
  readonly model: string;
}

export async function preflight(provider: LlmProvider, config: LlmConfig, signal?: AbortSignal): Promise<PreflightResult> {
  const timeout = AbortSignal.timeout(Math.min(PREFLIGHT_TIMEOUT_MS, config.timeoutMs));
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await provider.complete({
      system: 'Health check of the connection. Answer {"ok": true}.',
      user: 'ping',
      schemaName: 'preflight',
      schema: PreflightAnswer,
      maxOutputTokens: PREFLIGHT_MAX_OUTPUT_TOKENS,
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    return { verdict: { kind: 'passed' }, status: 'ok', usage: response.usage, latencyMs: response.latencyMs, model: response.model };
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    if (signal?.aborted === true) throw error; // the user's interrupt: not the provider's verdict
    // Our own time limit, not the user's interrupt: the provider was slow.
    const failure = error.kind === 'aborted' && timeout.aborted ? new LlmError('timeout', `no answer within ${Math.min(PREFLIGHT_TIMEOUT_MS, config.timeoutMs)} ms`) : error;
    return { verdict: judge(failure, config), status: failure.kind, usage: failure.usage, latencyMs: latency(), model: provider.model };
  }
}

function judge(error: LlmError, config: LlmConfig): PreflightVerdict {
  const failed = (hint: string): PreflightVerdict => ({ kind: 'failed', error, hint });
  const where = config.baseUrl === null ? 'the provider' : config.baseUrl;
  switch (error.kind) {
    case 'invalid-answer':
      return { kind: 'passed' };
    case 'auth':
      return failed(`check ${keyVariable(config.provider)}`);
    case 'unreachable':
      return failed(`nothing answers at ${where}: check ${baseUrlVariable(config.provider)} and that the server runs`);
    case 'invalid-response':
      return failed(`${where} does not answer as the API: check ${baseUrlVariable(config.provider)} (e.g. http://host:port/v1)`);
    case 'invalid-request':
      return failed(`the provider refused the request: check ${modelVariable(config.provider)} (${config.model}) and ${baseUrlVariable(config.provider)}`);
    case 'rate-limit':
    case 'server':
    case 'timeout':
    case 'network':
    case 'aborted':
      return { kind: 'uncertain', error };
  }
}

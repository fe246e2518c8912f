/**
 * From an SDK failure to an LlmError: one classification for both SDKs (each provider first
 * reduces its SDK's error classes to a `Failure`), the wait a 429 asks for, and redaction so that
 * a key never reaches a message, a log or the database.
 */
import { LlmError, type LlmErrorKind } from './provider.js';
import { rateLimitsOf } from './rate-limits.js';

/** What a provider module extracts from its SDK's error. */
export type Failure =
  | { kind: 'aborted' | 'timeout' | 'connection' | 'unreachable'; message: string }
  | { kind: 'api'; status: number; headers: Headers | undefined; requestId: string | null; message: string };

/** Retry-After wait of a 429 (or 503): retry-after-ms, retry-after (seconds or a date), reset headers. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const after = headers.get('retry-after');
  if (after !== null && after.trim() !== '') {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  // OpenAI: x-ratelimit-reset-{requests,tokens} as "1.928s" / "6m0s"; Anthropic:
  // anthropic-ratelimit-*-reset as RFC 3339 times. Which limit was hit is unknown: wait for all.
  let longest: number | null = null;
  for (const [name, value] of headers) {
    let wait: number | null = null;
    if (/^x-ratelimit-reset-/.test(name)) wait = parseDuration(value);
    else if (/^anthropic-ratelimit-.*-reset$/.test(name)) {
      const at = Date.parse(value);
      wait = Number.isFinite(at) ? Math.max(0, at - now) : null;
    }
    if (wait !== null) longest = Math.max(longest ?? 0, wait);
  }
  return longest;
}

/** "17ms", "1.928s", "6m0s", "1h2m3s" → ms; null when unreadable. */
export function parseDuration(text: string): number | null {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text.trim()) return null;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Math.ceil(parts.reduce((sum, part) => sum + Number(part[1]) * (unit[part[2] ?? ''] ?? 0), 0));
}

const KEY_LIKE = /\b(sk-[A-Za-z0-9_*.-]{3,}|sk-ant-[A-Za-z0-9_*.-]{3,})/g;
const BEARER = /(Bearer\s+)\S+/gi;

/** Removes every secret, anything shaped like an API key, and bearer tokens from a text. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]').replace(BEARER, '$1[redacted]');
}

/** Socket errors of a request that never left this machine: nothing reached the provider. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * The root cause of an SDK connection error when the request never left this machine (the SDK
 * wraps fetch's TypeError, which wraps the socket error, or an AggregateError of one per address);
 * null when it may have reached the provider (a reset, a hang-up).
 */
export function neverSentCause(error: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    const code = (current as Error & { code?: unknown }).code;
    // undici refuses some ports (e.g. 1, 6000) before connecting: "bad port".
    if ((typeof code === 'string' && NEVER_SENT.has(code)) || current.message === 'bad port') return current.message;
    queue.push(current.cause);
    if (current instanceof AggregateError) queue.push(...(current.errors as unknown[]));
  }
  return null;
}

/** A success status with a body that is not the API's answer: what it is, for the message (never the whole page). */
export function notTheApi(status: number, contentType: string | null, body: unknown, secrets: readonly (string | null | undefined)[]): LlmError {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const start = redact(text.replace(/\s+/g, ' ').trim().slice(0, 80), secrets);
  return new LlmError('invalid-response', `HTTP ${status} (${contentType ?? 'no content-type'}) but the body is not the API's answer: ${JSON.stringify(start)} — is the base URL the API's?`, { status });
}

function kindOfStatus(status: number): LlmErrorKind {
  if (status === 429) return 'rate-limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  // 409 (conflict) and every 5xx (529 overloaded included) are the server's, worth a retry.
  if (status === 409 || status >= 500) return 'server';
  return 'invalid-request';
}

export function toLlmError(failure: Failure, secrets: readonly (string | null | undefined)[]): LlmError {
  const message = redact(failure.message, secrets);
  switch (failure.kind) {
    case 'aborted':
      return new LlmError('aborted', `request aborted: ${message}`);
    case 'timeout':
      return new LlmError('timeout', `request timed out: ${message}`);
    case 'connection':
      return new LlmError('network', `connection failed: ${message}`);
    case 'unreachable':
      return new LlmError('unreachable', `cannot reach the provider: ${message}`);
    case 'api': {
      const kind = kindOfStatus(failure.status);
      const wait = kind === 'rate-limit' || kind === 'server' ? retryAfterMs(failure.headers) : null;
      return new LlmError(kind, `HTTP ${failure.status}: ${message}`, {
        status: failure.status,
        requestId: failure.requestId,
        retryAfterMs: wait,
        rateLimits: rateLimitsOf(failure.headers),
      });
    }
  }
}

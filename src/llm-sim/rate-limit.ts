/**
 * Requests-per-minute and tokens-per-minute limits over a sliding 60 s window per API key, with
 * the numbers OpenAI puts in its `x-ratelimit-*` headers and 429 messages. A request is admitted
 * with the tokens it may use (prompt + max_completion_tokens, as OpenAI estimates before
 * answering); `settle` then records what it really used.
 */

export const WINDOW_MS = 60_000;

export type Limits = { rpm: number | undefined; tpm: number | undefined };

type Entry = { at: number; tokens: number };

export type LimitState = {
  limitRequests: number | undefined;
  remainingRequests: number;
  /** ms until the request window is back to its full limit. */
  resetRequestsMs: number;
  limitTokens: number | undefined;
  remainingTokens: number;
  resetTokensMs: number;
};

export type Admission =
  | { ok: true; entry: Entry; state: LimitState }
  | {
      ok: false;
      kind: 'requests' | 'tokens';
      /** The whole request exceeds the TPM limit: no wait helps. */
      tooLarge: boolean;
      limit: number;
      used: number;
      requested: number;
      retryAfterMs: number;
      state: LimitState;
    };

export class RateLimiter {
  private readonly windows = new Map<string, Entry[]>();

  constructor(private readonly limits: Limits) {}

  admit(key: string, requestedTokens: number, now: number): Admission {
    const entries = this.window(key, now);
    const { rpm, tpm } = this.limits;
    const usedTokens = sumTokens(entries);
    if (rpm !== undefined && entries.length + 1 > rpm) {
      const oldest = entries[entries.length - rpm]?.at ?? now;
      return {
        ok: false,
        kind: 'requests',
        tooLarge: false,
        limit: rpm,
        used: entries.length,
        requested: 1,
        retryAfterMs: Math.max(1, oldest + WINDOW_MS - now),
        state: this.state(entries, now),
      };
    }
    if (tpm !== undefined && usedTokens + requestedTokens > tpm) {
      return {
        ok: false,
        kind: 'tokens',
        tooLarge: requestedTokens > tpm,
        limit: tpm,
        used: usedTokens,
        requested: requestedTokens,
        retryAfterMs: tokensFreeAfter(entries, tpm - requestedTokens, now),
        state: this.state(entries, now),
      };
    }
    const entry: Entry = { at: now, tokens: requestedTokens };
    entries.push(entry);
    return { ok: true, entry, state: this.state(entries, now) };
  }

  /** Replaces an admitted request's estimate with the tokens it really used. */
  settle(entry: Entry, tokens: number): void {
    entry.tokens = tokens;
  }

  /** The current numbers for the headers of an answer to this key. */
  current(key: string, now: number): LimitState {
    return this.state(this.window(key, now), now);
  }

  private window(key: string, now: number): Entry[] {
    let entries = this.windows.get(key);
    if (!entries) {
      entries = [];
      this.windows.set(key, entries);
    }
    let expired = 0;
    while (expired < entries.length && (entries[expired]?.at ?? now) + WINDOW_MS <= now) expired++;
    if (expired > 0) entries.splice(0, expired);
    return entries;
  }

  private state(entries: readonly Entry[], now: number): LimitState {
    const { rpm, tpm } = this.limits;
    const newest = entries.at(-1)?.at;
    const untilEmpty = newest === undefined ? 0 : Math.max(0, newest + WINDOW_MS - now);
    return {
      limitRequests: rpm,
      remainingRequests: rpm === undefined ? 0 : Math.max(0, rpm - entries.length),
      resetRequestsMs: untilEmpty,
      limitTokens: tpm,
      remainingTokens: tpm === undefined ? 0 : Math.max(0, tpm - sumTokens(entries)),
      resetTokensMs: untilEmpty,
    };
  }
}

function sumTokens(entries: readonly Entry[]): number {
  return entries.reduce((sum, entry) => sum + entry.tokens, 0);
}

/** ms until the tokens still in the window are at most `budget`. */
function tokensFreeAfter(entries: readonly Entry[], budget: number, now: number): number {
  if (budget < 0) return WINDOW_MS; // Too large for any window; OpenAI still answers with a wait.
  let used = sumTokens(entries);
  for (const entry of entries) {
    if (used <= budget) break;
    used -= entry.tokens;
    if (used <= budget) return Math.max(1, entry.at + WINDOW_MS - now);
  }
  return 1;
}

/** Durations as OpenAI writes them in headers and messages: "17ms", "1.928s", "6m0s". */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded}ms`;
  if (rounded < 60_000) return `${trimDecimals(rounded / 1000)}s`;
  const minutes = Math.floor(rounded / 60_000);
  return `${minutes}m${trimDecimals((rounded - minutes * 60_000) / 1000)}s`;
}

function trimDecimals(seconds: number): string {
  return seconds.toFixed(3).replace(/\.?0+$/, '');
}

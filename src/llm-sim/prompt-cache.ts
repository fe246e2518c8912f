/**
 * OpenAI's prompt caching rule: a request whose prompt shares an identical prefix of at least
 * 1,024 tokens with a recent request (same organisation and model; here: same API key, model and prompt_cache_key)
 * is billed that prefix as cached tokens, counted in 128-token steps. The cache stores one hash
 * per 128-token boundary (from 1,024 on) of every prompt seen, so "the longest common prefix with
 * a recent prompt, rounded down to a multiple of 128" is the longest boundary whose hash is stored.
 * Entries live `ttlMs` after their last use (OpenAI: 5–10 minutes of inactivity).
 */
import { createHash, type Hash } from 'node:crypto';

export const CACHE_MIN_TOKENS = 1024;
export const CACHE_STEP_TOKENS = 128;

export type PromptCacheOptions = { ttlMs: number; maxEntries: number };

export class PromptCache {
  /** Prefix hash → expiry time (ms); Map order is least recently used first. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly options: PromptCacheOptions) {}

  /** Cached tokens for this prompt, then remembers its prefixes. */
  lookupAndStore(scope: string, tokens: readonly number[], now: number): number {
    const hashes = boundaryHashes(scope, tokens);
    let cached = 0;
    for (const [boundary, hash] of hashes) {
      const expires = this.entries.get(hash);
      if (expires !== undefined && expires > now) cached = boundary;
    }
    for (const [, hash] of hashes) {
      this.entries.delete(hash);
      this.entries.set(hash, now + this.options.ttlMs);
    }
    this.evict(now);
    return cached;
  }

  private evict(now: number): void {
    for (const [hash, expires] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && expires > now) break;
      this.entries.delete(hash);
    }
  }
}

/** [boundary, hash of scope + tokens[0, boundary)] for every cacheable 128-token boundary. */
function boundaryHashes(scope: string, tokens: readonly number[]): [number, string][] {
  const out: [number, string][] = [];
  if (tokens.length < CACHE_MIN_TOKENS) return out;
  const hash: Hash = createHash('sha256').update(scope).update('\0');
  const block = Buffer.alloc(CACHE_STEP_TOKENS * 4);
  for (let boundary = CACHE_STEP_TOKENS; boundary <= tokens.length; boundary += CACHE_STEP_TOKENS) {
    for (let i = 0; i < CACHE_STEP_TOKENS; i++) block.writeUInt32LE(tokens[boundary - CACHE_STEP_TOKENS + i] ?? 0, i * 4);
    hash.update(block);
    if (boundary >= CACHE_MIN_TOKENS) out.push([boundary, hash.copy().digest('base64')]);
  }
  return out;
}

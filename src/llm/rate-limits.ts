/**
 * What a provider says about its own limits in every answer's headers: the limit and what is left
 * of it in the current window, for requests and for tokens. OpenAI sends x-ratelimit-{limit,remaining}-
 * {requests,tokens}; Anthropic anthropic-ratelimit-{requests,tokens}-{limit,remaining}. The shared
 * LLM budget learns the provider's caps from them and slows down when little is left.
 */
import { z } from 'zod';

export const RateLimits = z.object({
  limitRequests: z.number().nonnegative().nullable(),
  remainingRequests: z.number().nonnegative().nullable(),
  limitTokens: z.number().nonnegative().nullable(),
  remainingTokens: z.number().nonnegative().nullable(),
});
export type RateLimits = z.infer<typeof RateLimits>;

export const NO_RATE_LIMITS: RateLimits = { limitRequests: null, remainingRequests: null, limitTokens: null, remainingTokens: null };

/** The rate-limit headers of a response (either provider's names); null for each one absent. */
export function rateLimitsOf(headers: Headers | undefined | null): RateLimits {
  if (headers === undefined || headers === null) return NO_RATE_LIMITS;
  const read = (...names: string[]): number | null => {
    for (const name of names) {
      const value = Number(headers.get(name) ?? Number.NaN);
      if (Number.isFinite(value) && value >= 0) return value;
    }
    return null;
  };
  return {
    limitRequests: read('x-ratelimit-limit-requests', 'anthropic-ratelimit-requests-limit'),
    remainingRequests: read('x-ratelimit-remaining-requests', 'anthropic-ratelimit-requests-remaining'),
    limitTokens: read('x-ratelimit-limit-tokens', 'anthropic-ratelimit-tokens-limit'),
    remainingTokens: read('x-ratelimit-remaining-tokens', 'anthropic-ratelimit-tokens-remaining'),
  };
}

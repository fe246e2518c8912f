/**
 * The arithmetic of the one LLM budget every service process shares (the Restate virtual object in
 * src/workflow/llm/budget.ts holds the state; everything here is pure, so it is tested alone).
 *
 * Grants are start times, not leases: each request is given the moment it may start (GCRA, a token
 * bucket without a burst). Nothing is held, so a holder that is slow or dies cannot starve the
 * others — its slot simply passes. Only slots within `HORIZON_MS` are handed out: a request further
 * back in the queue is told to ask again later, so a slot is never fixed at a rate that has since
 * changed (after a slowdown the queue would otherwise keep its slow slots after the recovery).
 *
 * The window guarantee: a request starts at most `START_JITTER_MS` after its grant (the durable
 * sleep wakes a little late, never early). Spacing grants `(60 s + jitter) / (cap − 1)` apart puts
 * at most `cap` grants in any 60 s + jitter, so the provider sees at most `cap` arrivals in any
 * 60-second window. Tokens are reserved the same way from an estimate, corrected with the real
 * usage when the answer comes back, against the cap less the largest request seen (one request's
 * tokens of headroom, so one long answer cannot push a window over).
 *
 * It adapts (AIMD): a 429, or headers saying little is left, multiply the rate down — only for a
 * request granted after the last slowdown, so the many requests that were in flight together count
 * as one event (as TCP does once per round trip); then the rate climbs back linearly with time
 * (additive), to the full cap `RECOVERY_MS` after a halving unless a new signal comes. A 429's
 * retry-after pauses every grant, not only the request that met it. Caps are the run's (`--rpm`,
 * `--tpm`), the processes' own, and what the provider's headers say its limits are: the smallest.
 */
import { z } from 'zod';
import { RateLimits } from './rate-limits.js';

/** How late a request may start after its grant and still count inside the guarantee. */
export const START_JITTER_MS = 2_000;
const WINDOW_MS = 60_000;
/** Multiplicative decrease on a 429 / on low remaining headers, and the additive recovery per clean answer. */
export const SLOWDOWN_ON_429 = 0.5;
export const SLOWDOWN_ON_LOW = 0.8;
export const MIN_FACTOR = 0.1;
/** The additive recovery: the factor climbs by 0.5 in this long (a halving undone). */
export const RECOVERY_MS = 30_000;
/** Slots further ahead than this are not handed out; the asker asks again. */
export const HORIZON_MS = 10_000;
/** "Little is left": under this share of the provider's limit remains in its window. */
export const LOW_REMAINING = 0.05;

/** Requests and tokens per minute; null: no cap of that kind. */
export const BudgetCaps = z.object({
  rpm: z.number().int().positive().nullable(),
  tpm: z.number().int().positive().nullable(),
});
export type BudgetCaps = z.infer<typeof BudgetCaps>;

export const NO_CAPS: BudgetCaps = { rpm: null, tpm: null };

/** The tighter of two sets of caps, per kind. */
export function tighterCaps(a: BudgetCaps, b: BudgetCaps): BudgetCaps {
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  return { rpm: min(a.rpm, b.rpm), tpm: min(a.tpm, b.tpm) };
}

export const BudgetState = z.object({
  /** The earliest start of the next request (ms since the epoch). */
  nextRequestAt: z.number(),
  /** The same for tokens. */
  nextTokenAt: z.number(),
  /** The AIMD multiplier of the caps right after the last decrease, in [MIN_FACTOR, 1] (see factorAt). */
  factor: z.number(),
  /** The last multiplicative decrease (null: never): the factor recovers from there. */
  slowedAt: z.number().nullable(),
  /** The provider's own limits, from its headers (null until it sent them). */
  providerRpm: z.number().nullable(),
  providerTpm: z.number().nullable(),
  /** The largest request seen, in tokens (the headroom the token cap keeps). */
  largestRequestTokens: z.number(),
  /**
   * With no cap known, the rate granted of late when the first slowdown came: the rate the factor
   * then scales (cleared once fully recovered). Without it there would be nothing to slow down.
   */
  baselineRpm: z.number().nullable(),
  /** Grants in the current and the previous minute (the baseline's source). */
  minute: z.number(),
  grantsThisMinute: z.number(),
  grantsLastMinute: z.number(),
});
export type BudgetState = z.infer<typeof BudgetState>;

export function initialBudget(): BudgetState {
  return {
    nextRequestAt: 0,
    nextTokenAt: 0,
    factor: 1,
    slowedAt: null,
    providerRpm: null,
    providerTpm: null,
    largestRequestTokens: 0,
    baselineRpm: null,
    minute: 0,
    grantsThisMinute: 0,
    grantsLastMinute: 0,
  };
}

export const GrantRequest = z.object({
  caps: BudgetCaps,
  /** Estimated tokens of the request (prompt + expected answer). */
  tokens: z.number().nonnegative(),
});
export type GrantRequest = z.infer<typeof GrantRequest>;

export type Grant =
  /** The request may start at `startAt` (ms since the epoch; ≥ now). */
  | { readonly kind: 'granted'; readonly state: BudgetState; readonly startAt: number }
  /** The queue is longer than the horizon: ask again at `retryAt` (nothing was reserved). */
  | { readonly kind: 'later'; readonly state: BudgetState; readonly retryAt: number };

/** The multiplier of the caps now: the last decrease, recovered linearly since. */
export function factorAt(state: BudgetState, now: number): number {
  if (state.slowedAt === null) return state.factor;
  return Math.min(1, state.factor + (0.5 * Math.max(0, now - state.slowedAt)) / RECOVERY_MS);
}

/** The caps in force (before the factor): the requested ones, tightened by the provider's; a baseline when slowed with none. */
export function knownCaps(state: BudgetState, caps: BudgetCaps): BudgetCaps {
  const known = tighterCaps(caps, { rpm: state.providerRpm, tpm: state.providerTpm });
  return { rpm: known.rpm ?? state.baselineRpm, tpm: known.tpm };
}

/** `spread` in [0, 1) spreads the askers told "later" over half the horizon, so they do not all come back at once. */
export function grant(state: BudgetState, request: GrantRequest, now: number, spread = 0): Grant {
  const caps = knownCaps(state, request.caps);
  const factor = factorAt(state, now);
  const tokens = Math.max(0, Math.round(request.tokens));
  const startAt = Math.max(now, state.nextRequestAt, caps.tpm === null ? 0 : state.nextTokenAt);
  if (startAt - now > HORIZON_MS) return { kind: 'later', state, retryAt: startAt - HORIZON_MS + Math.floor((spread * HORIZON_MS) / 2) };
  const nextRequestAt = caps.rpm === null ? state.nextRequestAt : startAt + requestSpacing(caps.rpm, factor);
  const headroom = Math.max(state.largestRequestTokens, tokens);
  const nextTokenAt = caps.tpm === null ? state.nextTokenAt : startAt + tokens * tokenSpacing(caps.tpm, headroom, factor);
  const counted = countGrant(state, startAt);
  return {
    kind: 'granted',
    startAt,
    state: { ...state, ...counted, nextRequestAt, nextTokenAt, largestRequestTokens: Math.max(state.largestRequestTokens, tokens) },
  };
}

/** What one answer (or failure) told about the provider's limits. */
export const BudgetFeedback = z.object({
  outcome: z.enum(['answered', 'rate-limited', 'other']),
  rateLimits: RateLimits,
  /** A 429's wait: nothing is granted before it passes. */
  retryAfterMs: z.number().nonnegative().nullable(),
  /** When the request was granted to start: a 429 of a request granted before the last slowdown is not news. */
  grantedAt: z.number(),
  /** Real tokens minus the estimate the grant reserved (corrects the token schedule). */
  tokenError: z.number(),
  caps: BudgetCaps,
});
export type BudgetFeedback = z.infer<typeof BudgetFeedback>;

export function feedback(state: BudgetState, signal: BudgetFeedback, now: number): BudgetState {
  const { rateLimits } = signal;
  let next: BudgetState = {
    ...state,
    providerRpm: rateLimits.limitRequests ?? state.providerRpm,
    providerTpm: rateLimits.limitTokens ?? state.providerTpm,
  };
  const caps = knownCaps(next, signal.caps);
  if (caps.tpm !== null && signal.tokenError !== 0) {
    // A credit never moves the schedule into the past: unused budget is not saved up.
    const moved = next.nextTokenAt + signal.tokenError * tokenSpacing(caps.tpm, next.largestRequestTokens, factorAt(next, now));
    next = { ...next, nextTokenAt: Math.max(moved, Math.min(next.nextTokenAt, now)) };
  }
  if (signal.outcome === 'rate-limited') {
    next = slowDown(next, signal, SLOWDOWN_ON_429, now);
    if (signal.retryAfterMs !== null) {
      const resume = now + signal.retryAfterMs;
      next = { ...next, nextRequestAt: Math.max(next.nextRequestAt, resume), nextTokenAt: Math.max(next.nextTokenAt, resume) };
    }
    return next;
  }
  if (isLow(rateLimits.remainingRequests, rateLimits.limitRequests) || isLow(rateLimits.remainingTokens, rateLimits.limitTokens)) {
    return slowDown(next, signal, SLOWDOWN_ON_LOW, now);
  }
  // Fully recovered: forget the slowdown (and the baseline it took when no cap was known).
  if (next.slowedAt !== null && factorAt(next, now) === 1) return { ...next, factor: 1, slowedAt: null, baselineRpm: null };
  return next;
}

function slowDown(state: BudgetState, signal: BudgetFeedback, by: number, now: number): BudgetState {
  if (state.slowedAt !== null && signal.grantedAt < state.slowedAt) return state;
  const noCap = tighterCaps(signal.caps, { rpm: state.providerRpm, tpm: null }).rpm === null;
  const baselineRpm = noCap ? (state.baselineRpm ?? Math.max(1, recentRpm(state, now))) : state.baselineRpm;
  return { ...state, factor: Math.max(MIN_FACTOR, factorAt(state, now) * by), slowedAt: now, baselineRpm };
}

function isLow(remaining: number | null, limit: number | null): boolean {
  return remaining !== null && limit !== null && limit > 0 && remaining < limit * LOW_REMAINING;
}

/**
 * ms between request grants: at the full cap, so that no 60 s window (plus start jitter) holds more
 * than `rpm` (one grant may start the window, hence rpm − 1 gaps); slowed, at the slowed rate.
 */
export function requestSpacing(rpm: number, factor = 1): number {
  return Math.max((WINDOW_MS + START_JITTER_MS) / Math.max(rpm - 1, 1), (WINDOW_MS + START_JITTER_MS) / (rpm * factor));
}

/** ms per token so that no 60 s window (plus jitter) holds more than `tpm` less one request's headroom. */
export function tokenSpacing(tpm: number, headroom: number, factor = 1): number {
  return (WINDOW_MS + START_JITTER_MS) / (Math.max(tpm - headroom, tpm * 0.1, 1) * factor);
}

function countGrant(state: BudgetState, at: number): Pick<BudgetState, 'minute' | 'grantsThisMinute' | 'grantsLastMinute'> {
  const minute = Math.floor(at / WINDOW_MS);
  if (minute === state.minute) return { minute, grantsThisMinute: state.grantsThisMinute + 1, grantsLastMinute: state.grantsLastMinute };
  const last = minute === state.minute + 1 ? state.grantsThisMinute : 0;
  return { minute, grantsThisMinute: 1, grantsLastMinute: last };
}

/** Grants per minute of late: the last full minute, or the current one when it is busier. */
function recentRpm(state: BudgetState, now: number): number {
  const minute = Math.floor(now / WINDOW_MS);
  if (minute === state.minute) return Math.max(state.grantsThisMinute, state.grantsLastMinute);
  if (minute === state.minute + 1) return state.grantsThisMinute;
  return 0;
}

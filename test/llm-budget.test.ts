// The shared LLM budget's arithmetic (src/llm/budget.ts): what the virtual object computes for every
// service process. No 60-second window over a cap, AIMD on 429s and low headers, learned limits.
import { describe, expect, it } from 'vitest';
import {
  feedback,
  grant,
  HORIZON_MS,
  initialBudget,
  MIN_FACTOR,
  NO_CAPS,
  RECOVERY_MS,
  factorAt,
  START_JITTER_MS,
  type BudgetCaps,
  type BudgetFeedback,
  type BudgetState,
  type Grant,
} from '../src/llm/budget.js';
import { NO_RATE_LIMITS } from '../src/llm/rate-limits.js';

/** The most events in any 60 s window (closed at both ends, the strictest reading). */
function maxInWindow(events: readonly { at: number; weight: number }[]): number {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let start = 0;
  for (const event of sorted) {
    sum += event.weight;
    while ((sorted[start]?.at ?? Infinity) < event.at - 60_000) sum -= sorted[start++]?.weight ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

/**
 * `count` requests all ask at once (the worst case) and each asks again when told "later"; returns
 * each one's grant (start time) and estimate, in the order granted.
 */
function drain(caps: BudgetCaps, sizes: readonly number[]): { at: number; tokens: number }[] {
  let state = initialBudget();
  // Kept sorted by (askAt, order): the next to ask is always first.
  const waiting = sizes.map((tokens, order) => ({ tokens, askAt: 1_000_000, order }));
  const before = (a: { askAt: number; order: number }, b: { askAt: number; order: number }) => a.askAt < b.askAt || (a.askAt === b.askAt && a.order < b.order);
  const granted: { at: number; tokens: number }[] = [];
  for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
    const answer = grant(state, { caps, tokens: next.tokens }, next.askAt, (next.order % 10) / 10);
    state = answer.state;
    if (answer.kind === 'granted') {
      granted.push({ at: answer.startAt, tokens: next.tokens });
      continue;
    }
    const again = { ...next, askAt: answer.retryAt };
    let low = 0;
    let high = waiting.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = waiting[mid];
      if (other !== undefined && before(other, again)) low = mid + 1;
      else high = mid;
    }
    waiting.splice(low, 0, again);
  }
  return granted;
}

/** Each start late by up to the jitter (deterministic spread). */
const late = (at: number, i: number) => at + (((i * 7919) % 1000) / 1000) * START_JITTER_MS;

function startAt(answer: Grant): number {
  if (answer.kind !== 'granted') throw new Error('expected a grant');
  return answer.startAt;
}

const answered = (caps: BudgetCaps, rateLimits = NO_RATE_LIMITS, grantedAt = 0): BudgetFeedback => ({
  outcome: 'answered',
  rateLimits,
  retryAfterMs: null,
  tokenError: 0,
  caps,
  grantedAt,
});
const rateLimited = (caps: BudgetCaps, grantedAt: number, retryAfterMs: number | null = null): BudgetFeedback => ({
  outcome: 'rate-limited',
  rateLimits: NO_RATE_LIMITS,
  retryAfterMs,
  tokenError: 0,
  caps,
  grantedAt,
});

describe('shared LLM budget: the window guarantee', () => {
  it.each([1, 2, 7, 30, 600, 30_000])('no 60-s window holds more than --rpm %i starts, however late each starts within the jitter', (rpm) => {
    const count = Math.min(rpm * 2, 2_000);
    const grants = drain({ rpm, tpm: null }, Array.from({ length: count }, () => 1));
    expect(grants).toHaveLength(count);
    expect(maxInWindow(grants.map((granted, i) => ({ at: late(granted.at, i), weight: 1 })))).toBeLessThanOrEqual(rpm);
    // And not far under it: the budget is used, not wasted (at least 90 % of the cap over the schedule).
    const times = grants.map((granted) => granted.at);
    if (rpm >= 30) expect((count - 1) / ((Math.max(...times) - Math.min(...times)) / 60_000)).toBeGreaterThan(0.9 * rpm);
  });

  it('no 60-s window holds more than --tpm tokens when the estimates are right', () => {
    const sizes = Array.from({ length: 200 }, (_, i) => [3_000, 800, 5_000, 1_200, 2_500][i % 5] ?? 1);
    const grants = drain({ rpm: null, tpm: 40_000 }, sizes);
    expect(maxInWindow(grants.map((granted, i) => ({ at: late(granted.at, i), weight: granted.tokens })))).toBeLessThanOrEqual(40_000);
  });

  it('hands out no slot beyond the horizon: a request far back in the queue is told when to ask again', () => {
    let state = initialBudget();
    const answers: Grant[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = grant(state, { caps: { rpm: 60, tpm: null }, tokens: 1 }, 0);
      state = answer.state;
      answers.push(answer);
    }
    const later = answers.flatMap((answer) => (answer.kind === 'later' ? [answer.retryAt] : []));
    expect(later.length).toBeGreaterThan(0);
    for (const retryAt of later) expect(retryAt).toBeGreaterThan(0);
    // Only the granted ones moved the schedule.
    expect(answers.filter((answer) => answer.kind === 'granted').every((answer) => startAt(answer) <= HORIZON_MS)).toBe(true);
  });

  it('a grant is a start time, not a lease: a holder that never comes back delays nobody past its own slot', () => {
    const caps = { rpm: 61, tpm: null };
    const first = grant(initialBudget(), { caps, tokens: 1 }, 0);
    // The first holder dies without a word; the next grant is one spacing later, as if it had sent.
    const second = grant(first.state, { caps, tokens: 1 }, 0);
    expect(startAt(second) - startAt(first)).toBeCloseTo((60_000 + START_JITTER_MS) / 60, 5);
    // Long after, a newcomer goes at once.
    expect(startAt(grant(second.state, { caps, tokens: 1 }, 10 * 60_000))).toBe(10 * 60_000);
  });

  it('a real usage above the estimate moves the token schedule later; a credit never into the past', () => {
    const caps = { rpm: null, tpm: 60_000 };
    const granted = grant(initialBudget(), { caps, tokens: 1_000 }, 0);
    if (granted.kind !== 'granted') throw new Error('expected a grant');
    const over = feedback(granted.state, { ...answered(caps), tokenError: 4_000 }, 10);
    expect(over.nextTokenAt).toBeGreaterThan(granted.state.nextTokenAt);
    const credited = feedback(granted.state, { ...answered(caps), tokenError: -1_000_000 }, 10);
    expect(credited.nextTokenAt).toBeGreaterThanOrEqual(10);
  });
});

describe('shared LLM budget: adapting (AIMD)', () => {
  const caps = { rpm: 600, tpm: null };
  const spacingOf = (state: BudgetState) => startAt(grant(grant(state, { caps, tokens: 1 }, 0).state, { caps, tokens: 1 }, 0));

  it('a 429 halves the rate, once per burst; it climbs back linearly with time', () => {
    const normal = spacingOf(initialBudget());
    let state = feedback(initialBudget(), rateLimited(caps, 4_000), 5_000);
    expect(state.factor).toBe(0.5);
    expect(spacingOf(state)).toBeGreaterThan(1.9 * normal);
    // The other requests that were in flight (granted before the slowdown) get their 429s too: one event, not many.
    state = feedback(state, rateLimited(caps, 4_500), 6_000);
    expect(state.factor).toBe(0.5);
    // A request granted after the slowdown still meets a 429: news, slow down again.
    state = feedback(state, rateLimited(caps, 5_500), 7_000);
    const low = (0.5 + (0.5 * 2_000) / RECOVERY_MS) * 0.5;
    expect(state.factor).toBeCloseTo(low, 10);
    // Additive: halfway back after half the recovery time, all the way after the rest.
    expect(factorAt(state, 7_000 + ((1 - low) / 2 / 0.5) * RECOVERY_MS)).toBeCloseTo((1 + low) / 2, 10);
    state = feedback(state, answered(caps), 7_000 + ((1 - low) / 0.5) * RECOVERY_MS);
    expect(state).toMatchObject({ factor: 1, slowedAt: null });
    expect(spacingOf(state)).toBe(normal);
  });

  it('never slows below the floor, however long the storm', () => {
    let state = initialBudget();
    for (let i = 0; i < 100; i++) state = feedback(state, rateLimited(caps, i * 1_000), i * 1_000 + 500);
    expect(state.factor).toBe(MIN_FACTOR);
    expect(startAt(grant(state, { caps, tokens: 1 }, 1e9))).toBe(1e9);
  });

  it("a 429's retry-after holds every grant until it has passed", () => {
    const state = feedback(initialBudget(), rateLimited(caps, 500, 7_000), 1_000);
    expect(startAt(grant(state, { caps, tokens: 1 }, 1_000))).toBe(8_000);
    expect(startAt(grant(state, { caps: NO_CAPS, tokens: 1 }, 1_000))).toBe(8_000);
  });

  it("low x-ratelimit-remaining slows gently; the provider's limits become caps", () => {
    const limits = { limitRequests: 100, remainingRequests: 2, limitTokens: 10_000, remainingTokens: 9_000 };
    const state = feedback(initialBudget(), answered(NO_CAPS, limits), 0);
    expect(state.factor).toBe(0.8);
    expect(state.providerRpm).toBe(100);
    // With no cap of its own, the run is now paced under the provider's limit (times the factor).
    const first = grant(state, { caps: NO_CAPS, tokens: 1 }, 0);
    const second = grant(first.state, { caps: NO_CAPS, tokens: 1 }, 0);
    expect(startAt(second) - startAt(first)).toBeCloseTo((60_000 + START_JITTER_MS) / 80, 5);
  });

  it('with no cap known, a 429 slows down from the rate granted of late', () => {
    let state = initialBudget();
    for (let i = 0; i < 120; i++) state = grant(state, { caps: NO_CAPS, tokens: 1 }, 60_000 + i * 400).state;
    state = feedback(state, rateLimited(NO_CAPS, 107_000), 108_000);
    expect(state.baselineRpm).toBe(120);
    const first = grant(state, { caps: NO_CAPS, tokens: 1 }, 108_000);
    const second = grant(first.state, { caps: NO_CAPS, tokens: 1 }, 108_000);
    expect(startAt(second) - startAt(first)).toBeCloseTo((60_000 + START_JITTER_MS) / 60, 5);
    // Fully recovered: unpaced again.
    state = feedback(state, answered(NO_CAPS), 108_000 + RECOVERY_MS);
    expect(state.baselineRpm).toBeNull();
  });
});

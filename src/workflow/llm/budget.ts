/**
 * The one LLM budget of the whole system: a Restate virtual object, one key per provider and model
 * (the scope of a provider's limits), shared by every service process on every node. Restate runs
 * one handler at a time per key, so its state — the next free start times and the AIMD factor,
 * src/llm/budget.ts — needs no locks, survives crashes and is the same for everyone.
 *
 * - `acquire`: the asker's "when may I send?": a slot and how long to wait for it (the asker sleeps
 *   durably), or, when the queue reaches past the horizon, how long to wait before asking again.
 * - `report`: what the answer said (429, rate-limit headers, real tokens): one-way, never waited for.
 * - `state`: a read-only look (shared handler), for status and tests.
 */
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import { BudgetFeedback, BudgetState, feedback, grant, GrantRequest, initialBudget, type Grant } from '../../llm/budget.js';
import { zodSerde } from '../serde.js';

export const LLM_BUDGET = 'llmBudget';

/** The answer to `acquire` (plain JSON: it is journaled by the caller). */
export const Acquired = z.discriminatedUnion('granted', [
  z.object({ granted: z.literal(true), waitMs: z.number().nonnegative(), startAt: z.number() }),
  z.object({ granted: z.literal(false), waitMs: z.number().nonnegative() }),
]);
export type Acquired = z.infer<typeof Acquired>;

type BudgetApi = {
  acquire: (ctx: restate.ObjectContext, request: GrantRequest) => Promise<Acquired>;
  report: (ctx: restate.ObjectContext, signal: BudgetFeedback) => Promise<void>;
  state: (ctx: restate.ObjectSharedContext) => Promise<BudgetState | null>;
};
export const BUDGET: restate.VirtualObjectDefinition<typeof LLM_BUDGET, BudgetApi> = { name: LLM_BUDGET };

const STATE = 'budget';

/** A grant as the asker hears it: how long from `now` to sleep, and whether a slot comes after. */
export function acquired(granted: Grant, now: number): Acquired {
  if (granted.kind === 'later') return { granted: false, waitMs: Math.max(0, Math.round(granted.retryAt - now)) };
  return { granted: true, waitMs: Math.max(0, Math.round(granted.startAt - now)), startAt: granted.startAt };
}

/** The budget's key: a provider's limits hold per model. */
export function budgetKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}

export function createLlmBudget() {
  const load = async (ctx: restate.ObjectContext | restate.ObjectSharedContext): Promise<BudgetState> => {
    const stored = BudgetState.safeParse(await ctx.get(STATE));
    return stored.success ? stored.data : initialBudget();
  };
  const handlers: BudgetApi = {
    acquire: async (ctx, request) => {
      const now = await ctx.date.now();
      const granted = grant(await load(ctx), request, now, ctx.rand.random());
      ctx.set(STATE, granted.state);
      return acquired(granted, now);
    },
    report: async (ctx, signal) => {
      const now = await ctx.date.now();
      ctx.set(STATE, feedback(await load(ctx), signal, now));
    },
    state: async (ctx) => {
      const stored = BudgetState.safeParse(await ctx.get(STATE));
      return stored.success ? stored.data : null;
    },
  };
  return restate.object({
    name: LLM_BUDGET,
    // Every message is parsed at the boundary (src/workflow/serde.ts): a malformed one is refused before the state is touched.
    handlers: {
      acquire: restate.handlers.object.exclusive({ input: zodSerde(GrantRequest), output: zodSerde(Acquired) }, handlers.acquire),
      report: restate.handlers.object.exclusive({ input: zodSerde(BudgetFeedback) }, handlers.report),
      state: restate.handlers.object.shared(handlers.state),
    },
  });
}

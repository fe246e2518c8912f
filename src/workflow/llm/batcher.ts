/**
 * The LLM batcher: a Restate virtual object that gathers the questions of many indicator
 * workflows into batches. Its key is `<stage>.<shard>` (the shard from the signature), and Restate
 * runs one handler at a time per key, so its state — the questions waiting, and every workflow
 * waiting on each — needs no locks:
 *
 * - `ask`: a question whose signature is already waiting or being asked only adds its waiter
 *   (dedup of concurrent identical questions); a new one joins `pending`. A full batch is handed to
 *   the asker at once; the first question of a batch schedules a `flush` after maxBatchWaitMs.
 * - `flush`: hands over whatever is pending.
 * - `done`: the asker's verdicts; every waiter's awakeable is resolved and the question forgotten.
 * - `lease`: the asker's sign of life before each request and each durable sleep: extends the
 *   deadline of the questions it still owns and says which those are (a batch handed out again
 *   belongs to its new asker; the old one drops it, so two askers never pay for one question).
 * - `expire`: a delayed check per hand-out; a question whose deadline passed is handed out again
 *   (once, lease.ts MAX_SENDS), then answered "none", so no question waits on a killed or paused asker.
 * - `reclaim`: every handed-out question is handed out again now. A run calls it after killing the
 *   askers of a build whose code is gone (src/runner/orphans.ts): their leases would otherwise hold
 *   those questions, and every new workflow asking them, until they run out (minutes).
 *
 * All of it is durable: state, the delayed flush, the send to the asker and the awakeables are
 * Restate's, so a crash anywhere loses no question and resolves no waiter twice.
 */
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import { BudgetCaps, NO_CAPS, tighterCaps } from '../../llm/budget.js';
import { fallbackWhy } from '../../llm/stages/merge.js';
import type { LlmStage } from '../../llm/stages/schemas.js';
import { parseState, zodSerde } from '../serde.js';
import { MAX_SENDS } from './lease.js';
import { AskRequest, BatchDone, Expire, Lease, Question, questionId, type BatchRequest, type Delivery } from './messages.js';

export const LLM_BATCHER = 'llmBatcher';
export const LLM_ASKER = 'llmAsker';

/** Batcher keys per stage: enough that busy stages do not queue behind one key. */
export const BATCHER_SHARDS = 4;

export interface BatcherOptions {
  readonly batchSize: number;
  readonly maxBatchWaitMs: number;
  /** How long a handed-out question waits for its asker's sign of life (lease.ts). */
  readonly leaseMs: number;
}

/** The state of one question: what was asked, and the awakeables of every workflow waiting on it. */
const Entry = z.object({
  question: Question,
  runId: z.string(),
  waiters: z.array(z.string()),
  caps: BudgetCaps.optional(),
  /** How often it was handed to an asker (absent: still pending); a lease or verdict names the hand-out it belongs to. */
  sends: z.number().int().positive().optional(),
  /** When the current hand-out's lease runs out (ms since the epoch, from ctx.date). */
  deadline: z.number().optional(),
});
type Entry = z.infer<typeof Entry>;

/** The ids (questionId) of the questions not yet handed out. */
const Pending = z.array(z.string());

type BatcherApi = {
  ask: (ctx: restate.ObjectContext, request: AskRequest) => Promise<void>;
  flush: (ctx: restate.ObjectContext) => Promise<void>;
  done: (ctx: restate.ObjectContext, done: BatchDone) => Promise<void>;
  lease: (ctx: restate.ObjectContext, lease: Lease) => Promise<string[]>;
  expire: (ctx: restate.ObjectContext, expire: Expire) => Promise<void>;
  reclaim: (ctx: restate.ObjectContext) => Promise<number>;
};
export const BATCHER: restate.VirtualObjectDefinition<typeof LLM_BATCHER, BatcherApi> = { name: LLM_BATCHER };

type AskerApi = { ask: (ctx: restate.Context, batch: BatchRequest) => Promise<void> };
export const ASKER: restate.ServiceDefinition<typeof LLM_ASKER, AskerApi> = { name: LLM_ASKER };

const PENDING = 'pending';

/** A question's state, parsed (null: none, or answered and cleared). */
async function entryOf(ctx: restate.ObjectContext, key: string): Promise<Entry | null> {
  return parseState(Entry, key, await ctx.get<unknown>(key));
}

async function pendingOf(ctx: restate.ObjectContext): Promise<string[]> {
  return parseState(Pending, PENDING, await ctx.get<unknown>(PENDING)) ?? [];
}
const ENTRY_PREFIX = 'q:';
/** The state key of a question (questionId: model and signature). */
const entryKey = (id: string) => `${ENTRY_PREFIX}${id}`;
/** The state key of a question of `model` (absent: the endpoint's) with `signature`. */
const keyOf = (signature: string, model: string | undefined) => entryKey(questionId({ signature, model }));

export function batcherKey(stage: LlmStage, signature: string): string {
  return `${stage}.${Number.parseInt(signature.slice(0, 8), 16) % BATCHER_SHARDS}`;
}

export function createLlmBatcher(options: BatcherOptions) {
  const handlers: BatcherApi = {
    ask: async (ctx, request) => {
      const id = questionId(request.question);
      const key = entryKey(id);
      const entry = await entryOf(ctx, key);
      if (entry !== null) {
        entry.waiters.push(request.awakeableId);
        ctx.set(key, entry);
        return;
      }
      ctx.set<Entry>(key, { question: request.question, runId: request.runId, waiters: [request.awakeableId], caps: request.caps });
      const pending = [...(await pendingOf(ctx)), id];
      if (pending.length >= options.batchSize) {
        await dispatch(ctx, pending, options.leaseMs);
        return;
      }
      ctx.set(PENDING, pending);
      if (pending.length === 1) ctx.objectSendClient(BATCHER, ctx.key).flush(restate.rpc.sendOpts({ delay: options.maxBatchWaitMs }));
    },
    flush: async (ctx) => {
      const pending = await pendingOf(ctx);
      if (pending.length > 0) await dispatch(ctx, pending, options.leaseMs);
    },
    done: async (ctx, done) => {
      for (const [signature, verdict] of Object.entries(done.verdicts)) {
        const entry = await entryOf(ctx, keyOf(signature, done.model));
        if (entry === null) continue;
        entry.waiters.forEach((waiter, i) => {
          const paid = i === 0 && verdict.kind === 'answer' && !verdict.fromCache;
          ctx.resolveAwakeable<Delivery>(waiter, { verdict, paid });
        });
        ctx.clear(keyOf(signature, done.model));
      }
    },
    lease: async (ctx, lease) => {
      const now = await ctx.date.now();
      const owned: string[] = [];
      for (const signature of lease.signatures) {
        const entry = await entryOf(ctx, keyOf(signature, lease.model));
        // Answered meanwhile, or handed out again: no longer this asker's to pay for.
        if (entry === null || (entry.sends ?? 1) !== lease.sends) continue;
        ctx.set<Entry>(keyOf(signature, lease.model), { ...entry, deadline: Math.max(entry.deadline ?? 0, now + lease.leaseMs) });
        owned.push(signature);
      }
      return owned;
    },
    expire: async (ctx, expire) => {
      const now = await ctx.date.now();
      const overdue: Entry[] = [];
      let nextCheck = Infinity;
      for (const signature of expire.signatures) {
        const entry = await entryOf(ctx, keyOf(signature, expire.model));
        if (entry === null || (entry.sends ?? 1) !== expire.sends) continue;
        const deadline = entry.deadline ?? 0;
        if (deadline > now) nextCheck = Math.min(nextCheck, deadline - now);
        else overdue.push(entry);
      }
      // Still leased (its asker showed life): look again when the lease runs out.
      if (Number.isFinite(nextCheck)) {
        ctx.objectSendClient(BATCHER, ctx.key).expire(expire, restate.rpc.sendOpts({ delay: nextCheck }));
      }
      if (overdue.length === 0) return;
      if (expire.sends < MAX_SENDS) {
        await handOut(ctx, overdue, expire.sends + 1, options.leaseMs);
        return;
      }
      const minutes = (options.leaseMs / 60_000).toFixed(1);
      const verdict = { kind: 'none', reason: fallbackWhy('no-answer', `no verdict from the asker within its ${minutes}-min lease, ${expire.sends} times`) } as const;
      for (const entry of overdue) {
        for (const waiter of entry.waiters) ctx.resolveAwakeable<Delivery>(waiter, { verdict, paid: false });
        ctx.clear(entryKey(questionId(entry.question)));
      }
    },
    reclaim: async (ctx) => {
      const handedOut: Entry[] = [];
      for (const key of await ctx.stateKeys()) {
        if (!key.startsWith(ENTRY_PREFIX)) continue;
        const entry = await entryOf(ctx, key);
        if (entry?.sends !== undefined) handedOut.push(entry);
      }
      // A new hand-out number: a lease or verdict of the killed askers' hand-outs no longer matches.
      for (const entries of byModel(handedOut).values()) {
        const sends = Math.max(...entries.map((entry) => entry.sends ?? 1)) + 1;
        for (let i = 0; i < entries.length; i += options.batchSize) await handOut(ctx, entries.slice(i, i + options.batchSize), sends, options.leaseMs);
      }
      return handedOut.length;
    },
  };
  // Every message is parsed at the boundary: a malformed one fails before the handler runs, never retried.
  return restate.object({
    name: LLM_BATCHER,
    handlers: {
      ask: restate.handlers.object.exclusive({ input: zodSerde(AskRequest) }, handlers.ask),
      flush: restate.handlers.object.exclusive(handlers.flush),
      done: restate.handlers.object.exclusive({ input: zodSerde(BatchDone) }, handlers.done),
      lease: restate.handlers.object.exclusive({ input: zodSerde(Lease), output: zodSerde(z.array(z.string())) }, handlers.lease),
      expire: restate.handlers.object.exclusive({ input: zodSerde(Expire) }, handlers.expire),
      reclaim: restate.handlers.object.exclusive({ output: zodSerde(z.number().int()) }, handlers.reclaim),
    },
  });
}

/** Hands the pending questions to the asker (a concurrent service) and starts a new batch. */
async function dispatch(ctx: restate.ObjectContext, pending: readonly string[], leaseMs: number): Promise<void> {
  const entries: Entry[] = [];
  for (const id of pending) {
    const entry = await entryOf(ctx, entryKey(id));
    if (entry !== null) entries.push(entry);
  }
  ctx.set<string[]>(PENDING, []);
  for (const batch of byModel(entries).values()) await handOut(ctx, batch, 1, leaseMs);
}

/** One batch per model: a request asks one model. */
function byModel(entries: readonly Entry[]): Map<string | undefined, Entry[]> {
  const batches = new Map<string | undefined, Entry[]>();
  for (const entry of entries) batches.set(entry.question.model, [...(batches.get(entry.question.model) ?? []), entry]);
  return batches;
}

/** Sends one batch to an asker as hand-out number `sends`, leased for `leaseMs`, with its expiry check. */
async function handOut(ctx: restate.ObjectContext, entries: readonly Entry[], sends: number, leaseMs: number): Promise<void> {
  const first = entries[0];
  if (first === undefined) return;
  const now = await ctx.date.now();
  for (const entry of entries) ctx.set<Entry>(entryKey(questionId(entry.question)), { ...entry, sends, deadline: now + leaseMs });
  const signatures = entries.map((entry) => entry.question.signature);
  const { model } = first.question;
  ctx.serviceSendClient(ASKER).ask({
    batcherKey: ctx.key,
    stage: first.question.stage,
    runId: first.runId,
    questions: entries.map((entry) => entry.question),
    caps: entries.reduce<BudgetCaps>((caps, entry) => tighterCaps(caps, entry.caps ?? NO_CAPS), NO_CAPS),
    sends,
    ...(model === undefined ? {} : { model }),
  });
  ctx.objectSendClient(BATCHER, ctx.key).expire({ signatures, sends, ...(model === undefined ? {} : { model }) }, restate.rpc.sendOpts({ delay: leaseMs }));
}

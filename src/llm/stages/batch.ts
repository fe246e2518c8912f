/**
 * One stage for a batch of indicators: one request with several indicators, answers tied by id,
 * every item validated on its own (the enums, and for the type stage the family given). What is
 * missing or invalid is asked again ONCE, in a second request holding only those indicators;
 * what is still missing is returned in `missing` (the caller keeps the rules' answer).
 *
 * Only bad answers are retried here. Every other LlmError (rate limit, server, timeout, network)
 * is rethrown untouched: the workflow's ctx.run owns those retries. Pure apart from the provider
 * calls, and the result is plain data apart from the Map (see `toJournal` to store it).
 */
import type { Family } from '../../domain/taxonomy.js';
import { typeBelongsToFamily } from '../../domain/taxonomy.js';
import { LlmError, NO_USAGE, type LlmProvider, type ProviderName, type TokenUsage } from '../provider.js';
import { SYSTEM_PREFIX } from '../prompt/system.js';
import type { RateLimits } from '../rate-limits.js';
import { userMessage } from '../prompt/user.js';
import { itemSchema, schemaName, stageSchema, type LlmStage, type StageAnswer } from './schemas.js';

export const DEFAULT_BATCH_SIZE = 10;

export type BatchItem = {
  id: string;
  /** indicatorContext(...) (or any JSON-able object): what the model sees of the indicator. */
  context: object;
  /** Type stage: the indicator's family; the answer's type must belong to it. */
  family?: Family;
};

export type RequestStatus = 'ok' | 'invalid-answer' | 'partial';

export type RequestRecord = {
  stage: LlmStage;
  indicators: number;
  usage: TokenUsage;
  latencyMs: number;
  /** ok: every item answered; partial: some missing or invalid; invalid-answer: the whole answer was rejected. */
  status: RequestStatus;
  model: string;
  provider: ProviderName;
};

export type AskOptions = { maxOutputTokens?: number; signal?: AbortSignal };

export type OnceResult<S extends LlmStage> = {
  answers: Map<string, StageAnswer<S>>;
  /** Ids of the request with no valid answer. */
  invalid: string[];
  record: RequestRecord;
  /** The provider's rate-limit headers on this answer. */
  rateLimits: RateLimits;
};

export type BatchResult<S extends LlmStage> = {
  answers: Map<string, StageAnswer<S>>;
  /** Ids with no valid answer after the one re-ask. */
  missing: string[];
  requests: RequestRecord[];
};

export function chunk<T>(items: readonly T[], size: number = DEFAULT_BATCH_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk: size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The batch, then one re-ask of the ids without a valid answer. */
export async function askBatch<S extends LlmStage>(
  provider: LlmProvider,
  stage: S,
  items: readonly BatchItem[],
  options: AskOptions = {},
): Promise<BatchResult<S>> {
  if (items.length === 0) return { answers: new Map(), missing: [], requests: [] };
  const first = await askOnce(provider, stage, items, options);
  const answers = first.answers;
  const requests = [first.record];
  let missing = first.invalid;
  if (missing.length > 0) {
    const again = new Set(missing);
    const second = await askOnce(provider, stage, items.filter((item) => again.has(item.id)), options);
    for (const [id, answer] of second.answers) answers.set(id, answer);
    requests.push(second.record);
    missing = second.invalid;
  }
  return { answers, missing, requests };
}

/** Exactly one request: the building block of askBatch, for a caller that journals each call. */
export async function askOnce<S extends LlmStage>(
  provider: LlmProvider,
  stage: S,
  items: readonly BatchItem[],
  options: AskOptions = {},
): Promise<OnceResult<S>> {
  const indicators = promptIndicators(stage, items);
  const request = {
    system: SYSTEM_PREFIX,
    user: userMessage(stage, indicators),
    schemaName: schemaName(stage),
    schema: stageSchema(stage),
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const started = performance.now();
  let results: unknown;
  let usage: TokenUsage = NO_USAGE;
  let latencyMs: number;
  let model = provider.model;
  let rejected = false;
  let rateLimits: RateLimits;
  try {
    const response = await provider.complete(request);
    results = response.value.results;
    ({ usage, latencyMs, model, rateLimits } = response);
  } catch (error) {
    if (!(error instanceof LlmError) || error.kind !== 'invalid-answer') throw error;
    // The whole answer failed the schema: keep the items that are valid on their own, so only
    // the others are asked again (a non-strict model may break one item of ten).
    rejected = true;
    usage = error.usage;
    rateLimits = error.rateLimits;
    latencyMs = Math.round(performance.now() - started);
    results = salvage(error.raw);
  }
  const answers = validItems(stage, items, results);
  const invalid = items.map((item) => item.id).filter((id) => !answers.has(id));
  const status: RequestStatus = rejected ? 'invalid-answer' : invalid.length > 0 ? 'partial' : 'ok';
  const record: RequestRecord = { stage, indicators: items.length, usage, latencyMs, status, model, provider: provider.provider };
  return { answers, invalid, record, rateLimits };
}

/** What the user message shows of each item: its context, its id and (type stage) its family. */
export function promptIndicators(stage: LlmStage, items: readonly BatchItem[]): object[] {
  return items.map((item) => ({
    ...item.context,
    id: item.id,
    ...(stage === 'type' && item.family !== undefined ? { family: item.family } : {}),
  }));
}

/** The `results` array of a rejected answer when it is JSON at all; undefined otherwise. */
function salvage(raw: string | null): unknown {
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && 'results' in parsed ? parsed.results : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each answer item validated on its own, whatever the provider checked: ids that were not asked
 * are ignored, the first valid answer per id wins, and a type outside the given family is invalid.
 */
function validItems<S extends LlmStage>(stage: S, items: readonly BatchItem[], results: unknown): Map<string, StageAnswer<S>> {
  const asked = new Map(items.map((item) => [item.id, item]));
  const answers = new Map<string, StageAnswer<S>>();
  if (!Array.isArray(results)) return answers;
  const schema = itemSchema(stage);
  for (const raw of results as unknown[]) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) continue;
    const answer = parsed.data;
    const item = asked.get(answer.id);
    if (item === undefined || answers.has(answer.id)) continue;
    if (!fitsFamily(answer, item.family)) continue;
    answers.set(answer.id, answer);
  }
  return answers;
}

function fitsFamily(answer: StageAnswer, family: Family | undefined): boolean {
  if (!('type' in answer) || family === undefined) return true;
  return typeBelongsToFamily(family, answer.type);
}

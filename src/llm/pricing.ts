/**
 * Tokens → dollars. Prices in USD per 1M tokens, list (standard tier, non-batch) prices, read on
 * 2026-11-28 through this project's search tool:
 *   OpenAI    https://developers.openai.com/api/docs/pricing (official page; quoted by the
 *             excerpts found, e.g. "GPT-5 Mini $0.25 / $0.025 cached / $2.00")
 *   Anthropic https://docs.anthropic.com/en/docs/about-claude/pricing (official page; excerpt rows
 *             "Claude Sonnet 4 $3 / $3.75 5m cache writes / $0.30 cache hits / $15",
 *             "Claude Haiku 3.5 $0.80 / $1 / $0.08 / $4"), and
 *             https://platform.claude.com/docs/en/about-claude/pricing for the 4.5 models
 *             (Haiku 4.5 $1 / $5, Sonnet 4.5 $3 / $15; cache hits 0.1× and 5-minute writes 1.25× input).
 * Prices change: override with LLM_PRICING_FILE (same shape, validated) or the `overrides` option.
 *
 * Billing rules applied (TokenUsage subsets are included in their totals):
 * - fresh input = inputTokens − cachedTokens − cacheWriteTokens, at `input`;
 * - cachedTokens at `cachedInput`; cacheWriteTokens (Anthropic) at `cacheWrite` (default 1.25 × input);
 * - outputTokens at `output`. OpenAI's completion_tokens already include reasoning tokens, so
 *   reasoningTokens is never added again.
 *
 * An unknown model has no price: costUsd returns null (the cost is reported as unknown rather
 * than as a wrong number, and a paid call is never failed afterwards for want of a price).
 * requirePrice throws a clear error: call it at start-up to refuse an unpriced model early.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TokenUsage } from './provider.js';

const usd = z.number().nonnegative();
export const ModelPrice = z.strictObject({ input: usd, cachedInput: usd, output: usd, cacheWrite: usd.optional() });
export type ModelPrice = z.infer<typeof ModelPrice>;
export const PricingTable = z.record(z.string().min(1), ModelPrice);
export type PricingTable = z.infer<typeof PricingTable>;

export const DEFAULT_PRICING: Readonly<PricingTable> = {
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2.0 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'claude-haiku-4-5': { input: 1.0, cachedInput: 0.1, output: 5.0, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, output: 4.0, cacheWrite: 1.0 },
  'claude-sonnet-4-5': { input: 3.0, cachedInput: 0.3, output: 15.0, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3.0, cachedInput: 0.3, output: 15.0, cacheWrite: 3.75 },
};

/** Anthropic's 5-minute cache writes cost 1.25× the input price. */
export const CACHE_WRITE_FACTOR = 1.25;

export type PricingOptions = { file?: string | null; overrides?: PricingTable };

/** The built-in table, then the file's entries, then `overrides` (later wins per model). */
export function loadPricingTable(options: PricingOptions = {}): PricingTable {
  const table: PricingTable = { ...DEFAULT_PRICING };
  if (options.file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch (error) {
      throw new Error(`pricing file ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = PricingTable.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new Error(`pricing file ${options.file}: ${problems} (expected {"model": {"input", "cachedInput", "output", "cacheWrite"?} in USD per 1M tokens})`);
    }
    Object.assign(table, parsed.data);
  }
  if (options.overrides) Object.assign(table, PricingTable.parse(options.overrides));
  return table;
}

/** The price of a model: exact name, else without a date suffix (gpt-4o-mini-2024-07-18, claude-haiku-4-5-20251001). */
export function priceFor(model: string, table: Readonly<PricingTable> = DEFAULT_PRICING): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const undated = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  return table[undated];
}

export function requirePrice(model: string, table: Readonly<PricingTable> = DEFAULT_PRICING): ModelPrice {
  const price = priceFor(model, table);
  if (!price) {
    throw new Error(`no price for model "${model}": add it with LLM_PRICING_FILE (known: ${Object.keys(table).join(', ')})`);
  }
  return price;
}

/** Dollars for one call's usage; null when the model has no price. */
export function costUsd(model: string, usage: TokenUsage, table: Readonly<PricingTable> = DEFAULT_PRICING): number | null {
  const price = priceFor(model, table);
  if (!price) return null;
  const writes = usage.cacheWriteTokens ?? 0;
  const fresh = Math.max(0, usage.inputTokens - usage.cachedTokens - writes);
  // Sum token × price first and divide once: fewer rounding steps than summing small dollar amounts.
  const micro =
    fresh * price.input +
    usage.cachedTokens * price.cachedInput +
    writes * (price.cacheWrite ?? price.input * CACHE_WRITE_FACTOR) +
    usage.outputTokens * price.output;
  return micro / 1_000_000;
}

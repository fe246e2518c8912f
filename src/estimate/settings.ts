/**
 * Model, reasoning effort and prices of an estimate, read as the provider reads them (the
 * environment over .env): OPENAI_MODEL (default gpt-5-mini) unless --model says otherwise,
 * LLM_REASONING_EFFORT (default low), LLM_PRICING_FILE over the built-in price table.
 */
import { DEFAULT_OPENAI_MODEL, ReasoningEffort } from '../llm/config.js';
import { loadPricingTable, requirePrice, type PricingTable } from '../llm/pricing.js';

export type EstimateSettings = { model: string; effort: ReasoningEffort; pricing: PricingTable };

export function estimateSettings(env: Readonly<Record<string, string | undefined>>, model?: string): EstimateSettings {
  const chosen = model ?? env.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL;
  const effort = ReasoningEffort.safeParse((env.LLM_REASONING_EFFORT ?? 'low').toLowerCase());
  if (!effort.success) {
    throw new Error(`LLM_REASONING_EFFORT must be one of ${ReasoningEffort.options.join(', ')}`);
  }
  const pricing = loadPricingTable({ file: env.LLM_PRICING_FILE ?? null });
  requirePrice(chosen, pricing); // "no price for model …: add it with LLM_PRICING_FILE (known: …)"
  return { model: chosen, effort: effort.data, pricing };
}

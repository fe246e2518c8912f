/** The provider layer: one entry point from a config (or null: rules only) to a provider. */
import { createAnthropicProvider } from './anthropic.js';
import type { LlmConfig } from './config.js';
import { createOpenAiProvider } from './openai.js';
import type { LlmProvider } from './provider.js';

export { describeConfig, loadLlmConfig, type LlmConfig } from './config.js';
export { costUsd, loadPricingTable, priceFor, requirePrice, type PricingTable } from './pricing.js';
export { strictJsonSchema } from './json-schema.js';
export { LlmError, type LlmErrorKind, type LlmProvider, type StructuredRequest, type StructuredResponse, type TokenUsage } from './provider.js';

export function createProvider(config: LlmConfig | null): LlmProvider | null {
  if (config === null) return null;
  switch (config.provider) {
    case 'anthropic':
      return createAnthropicProvider(config);
    case 'openai':
    case 'openai-compatible':
      return createOpenAiProvider(config);
  }
}

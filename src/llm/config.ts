/**
 * LLM configuration from the environment plus a `.env` file (the environment wins; the file is
 * parsed, never loaded into process.env). `null` means no provider: classification by rules only.
 *
 *   LLM_PROVIDER          openai | anthropic | openai-compatible | none (default: openai when
 *                         OPENAI_API_KEY is set, else anthropic when ANTHROPIC_API_KEY is, else none)
 *   OPENAI_API_KEY, OPENAI_MODEL (gpt-5-mini), OPENAI_BASE_URL (required for openai-compatible:
 *                         Ollama, vLLM, LM Studio; the key is optional there)
 *   ANTHROPIC_API_KEY, ANTHROPIC_MODEL (claude-haiku-4-5), ANTHROPIC_BASE_URL
 *   LLM_REASONING_EFFORT  none | minimal | low | medium | high (default low; reasoning models only)
 *   LLM_TIMEOUT_MS        per request (default 120000)
 *   LLM_PRICING_FILE      a JSON price table overriding the built-in one (pricing.ts)
 *
 * The key lives in the config object only; describeConfig (for logs and reports) never shows it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-haiku-4-5';
export const DEFAULT_TIMEOUT_MS = 120_000;

export const ProviderName = z.enum(['openai', 'anthropic', 'openai-compatible']);
export const ReasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high']);
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

export const LlmConfig = z
  .object({
    provider: ProviderName,
    /** null only for an openai-compatible server that needs none. */
    apiKey: z.string().min(1).nullable(),
    model: z.string().min(1),
    baseUrl: z.url({ protocol: /^https?$/ }).nullable(),
    reasoningEffort: ReasoningEffort,
    timeoutMs: z.number().int().positive(),
    pricingFile: z.string().min(1).nullable(),
  })
  .superRefine((config, ctx) => {
    if (config.provider !== 'openai-compatible' && config.apiKey === null) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: `${config.provider} needs an API key (${keyVariable(config.provider)})` });
    }
    if (config.provider === 'openai-compatible' && config.baseUrl === null) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'openai-compatible needs OPENAI_BASE_URL (e.g. http://localhost:11434/v1)' });
    }
  });
export type LlmConfig = z.infer<typeof LlmConfig>;

export type LoadOptions = {
  env?: NodeJS.ProcessEnv;
  /** The .env file (default: ./.env in the working directory); absent is fine. */
  envFile?: string;
};

/** The variables that configure a provider, for messages that tell the user what to check. */
export function keyVariable(provider: string): string {
  return provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
}

export function baseUrlVariable(provider: string): string {
  return provider === 'anthropic' ? 'ANTHROPIC_BASE_URL' : 'OPENAI_BASE_URL';
}

export function modelVariable(provider: string): string {
  return provider === 'anthropic' ? 'ANTHROPIC_MODEL' : 'OPENAI_MODEL';
}

/** The environment merged over the .env file; empty values count as unset. */
export function readEnv(options: LoadOptions = {}): Record<string, string> {
  const file = resolve(options.envFile ?? '.env');
  const fromFile = existsSync(file) ? dotenv.parse(readFileSync(file)) : {};
  const merged: Record<string, string> = {};
  for (const [name, value] of [...Object.entries(fromFile), ...Object.entries(options.env ?? process.env)]) {
    if (value !== undefined && value.trim() !== '') merged[name] = value.trim();
  }
  return merged;
}

/** The validated config, or null when no provider is configured (rules only). */
export function loadLlmConfig(options: LoadOptions = {}): LlmConfig | null {
  const env = readEnv(options);
  const chosen = env.LLM_PROVIDER?.toLowerCase();
  if (chosen === 'none' || chosen === 'rules') return null;
  const provider = chosen ?? (env.OPENAI_API_KEY ? 'openai' : env.ANTHROPIC_API_KEY ? 'anthropic' : undefined);
  if (provider === undefined) return null;
  const anthropic = provider === 'anthropic';
  const timeout = env.LLM_TIMEOUT_MS === undefined ? DEFAULT_TIMEOUT_MS : Number(env.LLM_TIMEOUT_MS);
  const candidate = {
    provider,
    apiKey: (anthropic ? env.ANTHROPIC_API_KEY : env.OPENAI_API_KEY) ?? null,
    model: (anthropic ? env.ANTHROPIC_MODEL : env.OPENAI_MODEL) ?? (anthropic ? DEFAULT_ANTHROPIC_MODEL : DEFAULT_OPENAI_MODEL),
    baseUrl: (anthropic ? env.ANTHROPIC_BASE_URL : env.OPENAI_BASE_URL) ?? null,
    reasoningEffort: env.LLM_REASONING_EFFORT?.toLowerCase() ?? 'low',
    timeoutMs: timeout,
    pricingFile: env.LLM_PRICING_FILE ?? null,
  };
  const parsed = LlmConfig.safeParse(candidate);
  if (!parsed.success) {
    // Built from paths and messages only: zod's messages never echo the values (the key).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new Error(`invalid LLM configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** One line for logs and reports: never the key, only whether there is one. */
export function describeConfig(config: LlmConfig | null): string {
  if (config === null) return 'rules only (no LLM configured)';
  const parts = [`provider ${config.provider}`, `model ${config.model}`];
  if (config.baseUrl !== null) parts.push(`base URL ${safeUrl(config.baseUrl)}`);
  // Anthropic ignores the effort (a forced tool call cannot think): do not claim it applies.
  if (config.provider !== 'anthropic') parts.push(`reasoning effort ${config.reasoningEffort}`);
  parts.push(`timeout ${config.timeoutMs} ms`, config.apiKey === null ? 'no key' : 'key set');
  return parts.join(', ');
}

/** A base URL without credentials or query (someone may have put a token there). */
function safeUrl(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  url.search = '';
  return url.toString();
}

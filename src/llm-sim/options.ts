/** The simulator's settings: every limit, fault rate and latency, validated once at start. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../config.js';

const rate = z.number().min(0).max(1);
const nonNegative = z.number().min(0);

export const LlmSimOptions = z.object({
  /** 0: any free port. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  /** Requests per minute per API key (sliding 60 s window); unset: unlimited. */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute per API key (prompt + completion); unset: unlimited. */
  tpm: z.number().int().positive().optional(),
  /** Mean and standard deviation of the per-request latency (lognormal; constant when jitter is 0). */
  latencyMs: nonNegative.default(0),
  latencyJitterMs: nonNegative.default(0),
  /** Extra latency per completion token (reasoning included), as generation takes. */
  msPerOutputToken: nonNegative.default(0),
  /** Share of requests answered 500 / 502 / 503. */
  errorRate: rate.default(0),
  /** Share of requests held without an answer until the client gives up or timeoutMs passes. */
  timeoutRate: rate.default(0),
  /** How long a held request waits before its connection is cut (OpenAI SDK's default timeout). */
  timeoutMs: z.number().int().positive().default(600_000),
  /** Share of requests answered 200 with content that is not JSON or breaks the schema. */
  malformedRate: rate.default(0),
  /** Share of batch answers (two indicators or more) that leave one indicator out, as a model may. */
  dropRate: rate.default(0),
  /** Share of completion_tokens that is reasoning for reasoning models at medium effort. */
  reasoningFraction: z.number().min(0).max(0.95).default(0.5),
  /** Seed of the fault and latency draws. */
  seed: z.number().int().default(1),
  /** NDJSON request log (default: <CLASSIFY_DATA_DIR or .classify>/logs/llm-sim.ndjson). */
  logFile: z.string().min(1).optional(),
  /** Prompt-cache lifetime after last use (OpenAI: 5–10 minutes). */
  cacheTtlMs: z.number().int().positive().default(300_000),
  cacheMaxEntries: z.number().int().positive().default(200_000),
  /** Listed by GET /v1/models; chat completions accept any model name. */
  models: z
    .array(z.string().min(1))
    .min(1)
    .default(['gpt-5-mini', 'gpt-5-nano', 'gpt-5', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-4o']),
});
export type LlmSimOptions = z.input<typeof LlmSimOptions>;
export type ResolvedLlmSimOptions = z.output<typeof LlmSimOptions> & { logFile: string };

export function resolveLlmSimOptions(options: LlmSimOptions, env: NodeJS.ProcessEnv = process.env): ResolvedLlmSimOptions {
  const parsed = LlmSimOptions.parse(options);
  return { ...parsed, logFile: resolve(parsed.logFile ?? resolve(dataDir(env), 'logs', 'llm-sim.ndjson')) };
}

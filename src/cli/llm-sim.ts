import { InvalidArgumentError, type Command } from 'commander';
import { startLlmSim, type LlmSimOptions } from '../llm-sim/server.js';

function number(check: (value: number) => boolean, what: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed)) throw new InvalidArgumentError(`must be ${what}`);
    return parsed;
  };
}

const port = number((v) => Number.isInteger(v) && v >= 0 && v <= 65535, 'a port (0-65535)');
const positiveInt = number((v) => Number.isInteger(v) && v > 0, 'a positive integer');
const nonNegative = number((v) => v >= 0, 'a number ≥ 0');
const rate = number((v) => v >= 0 && v <= 1, 'a rate between 0 and 1');
const fraction = number((v) => v >= 0 && v <= 0.95, 'a fraction between 0 and 0.95');
const integer = number((v) => Number.isInteger(v), 'an integer');

type CliOptions = {
  port: number;
  host: string;
  rpm?: number;
  tpm?: number;
  latencyMs?: number;
  latencyJitterMs?: number;
  msPerOutputToken?: number;
  errorRate?: number;
  timeoutRate?: number;
  timeoutMs?: number;
  malformedRate?: number;
  reasoningFraction?: number;
  seed?: number;
  log?: string;
};

export function registerLlmSim(program: Command): void {
  program
    .command('llm-sim')
    .description(
      'A local OpenAI-compatible server (POST /v1/chat/completions) for tests and benchmarks. A simulator: answers are computed by the rule engine.',
    )
    .option('--port <n>', 'port to listen on (0: a free one)', port, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--rpm <n>', 'requests per minute per API key (default: unlimited)', positiveInt)
    .option('--tpm <n>', 'tokens per minute per API key (default: unlimited)', positiveInt)
    .option('--latency-ms <ms>', 'mean latency of an answer (default 0)', nonNegative)
    .option('--latency-jitter-ms <ms>', 'standard deviation of the latency (lognormal; default 0)', nonNegative)
    .option('--ms-per-output-token <ms>', 'extra latency per completion token (default 0)', nonNegative)
    .option('--error-rate <r>', 'share of requests answered 500/502/503 (default 0)', rate)
    .option('--timeout-rate <r>', 'share of requests held without an answer (default 0)', rate)
    .option('--timeout-ms <ms>', 'how long a held request waits before its connection is cut (default 600000)', positiveInt)
    .option('--malformed-rate <r>', 'share of answers that are not JSON or break the schema (default 0)', rate)
    .option('--reasoning-fraction <f>', 'share of completion tokens that is reasoning for reasoning models (default 0.5)', fraction)
    .option('--seed <n>', 'seed of the fault and latency draws (default 1)', integer)
    .option('--log <file>', 'NDJSON request log (default: <data dir>/logs/llm-sim.ndjson)')
    .action(async (options: CliOptions) => {
      const { log, ...rest } = options;
      const settings: LlmSimOptions = { ...rest, ...(log === undefined ? {} : { logFile: log }) };
      const sim = await startLlmSim(settings);
      process.stdout.write(
        `${sim.url}\n` +
          'simulator: answers are computed by the classify rule engine, not a model\n' +
          `log: ${sim.logFile}\n` +
          `use: OPENAI_BASE_URL=${sim.url} OPENAI_API_KEY=<anything>; stats: GET ${sim.url.replace(/\/v1$/, '')}/sim/stats\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
      const stats = sim.stats();
      process.stderr.write(
        `llm-sim: ${stats.requests} requests ${JSON.stringify(stats.by_status)}, ` +
          `${stats.prompt_tokens} prompt (${stats.cached_tokens} cached) + ${stats.completion_tokens} completion tokens\n`,
      );
    });
}

/**
 * `classify serve`: runs the Restate service endpoint (the classify workflow) until SIGINT/SIGTERM,
 * optionally registering it at a Restate admin API first.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ClassificationStore } from '../db/store.js';
import { registerDeployment } from '../engine/admin.js';
import { describeRetired, retireDrained, watchDraining, type DrainWatch } from '../runner/deployments.js';
import { buildVersion } from '../workflow/build-version.js';
import { startServiceEndpoint } from '../workflow/endpoint.js';
import type { LlmService } from '../workflow/llm/service.js';
import { consoleLogger, LOG_LEVELS, type LogLevel } from '../workflow/log.js';
import { positiveInteger } from './options.js';

/**
 * Opens the database the workflow saves to, and the LLM when one is configured (`rpm`, `tpm`: caps
 * this process applies in the shared budget); `close` is called on shutdown.
 */
export type OpenStore = (options: { rpm?: number | undefined; tpm?: number | undefined }) => Promise<{
  store: ClassificationStore;
  llm?: LlmService | undefined;
  close(): Promise<void>;
}>;

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Admin API to register at (e.g. http://127.0.0.1:9070); none: register it yourself. */
  readonly registerAt?: string | undefined;
  /** LLM caps this process applies in the shared budget (default: the run's alone). */
  readonly rpm?: number | undefined;
  readonly tpm?: number | undefined;
  /** The SDK's log lines at this level and above (default warn). */
  readonly logLevel?: LogLevel | undefined;
  /** The build version served under `/v/<version>` (default: this build's, src/workflow/build-version.ts). */
  readonly version?: string | undefined;
}

/** How often a registered endpoint checks whether older deployments have drained. */
const DRAIN_CHECK_MS = 5_000;

/** Restate's conventional port for a service endpoint. */
export const DEFAULT_SERVE_PORT = 9080;

export function registerServe(program: Command, openStore: OpenStore): void {
  program
    .command('serve')
    .description('Run the Restate service endpoint (the classify workflow) over HTTP/2 until interrupted.')
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, DEFAULT_SERVE_PORT)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--register-at <admin-url>', 'register the endpoint at this Restate admin API (default: $RESTATE_ADMIN_URL)')
    .option('--rpm <n>', "LLM requests per minute: a cap on the whole system's shared budget, applied with each run's own (default: the run's)", positiveInteger)
    .option('--tpm <n>', "LLM tokens per minute: the same for tokens (default: the run's)", positiveInteger)
    .addOption(new Option('--log-level <level>', 'the Restate SDK\'s log lines at this level and above (info: one per invocation)').choices(LOG_LEVELS).default('warn'))
    .action(async (options: { port: number; host: string; registerAt?: string; rpm?: number; tpm?: number; logLevel: LogLevel }) => {
      await serve(
        { ...options, registerAt: options.registerAt ?? nonEmpty(process.env.RESTATE_ADMIN_URL) },
        openStore,
        untilSignal,
        (line) => process.stdout.write(`${line}\n`),
      );
    });
}

/**
 * Opens the store, starts the endpoint, registers it if asked, then waits for `stopped()` and shuts
 * down in reverse order. A failed registration stops what was started and rethrows.
 */
export async function serve(
  options: ServeOptions,
  openStore: OpenStore,
  stopped: () => Promise<unknown>,
  print: (line: string) => void,
): Promise<void> {
  const opened = await openStore({ rpm: options.rpm, tpm: options.tpm });
  try {
    const logger = consoleLogger(options.logLevel ?? 'warn');
    const version = options.version ?? (await buildVersion(process.env));
    const endpoint = await startServiceEndpoint({ store: opened.store, llm: opened.llm, port: options.port, host: options.host, logger, version });
    let watch: DrainWatch | undefined;
    try {
      print(`classify service endpoint listening on ${endpoint.url} (build ${version})`);
      print(`LLM: ${opened.llm === undefined ? 'none configured (fields the LLM would answer keep the rules\' answer, flagged)' : `${opened.llm.provider.provider} ${opened.llm.provider.model}`}`);
      if (options.registerAt !== undefined) {
        const adminUrl = options.registerAt;
        const deployment = await registerDeployment(adminUrl, endpoint.url);
        const services = deployment.services.map((service) => service.name).join(', ');
        print(`registered at ${adminUrl} as deployment ${deployment.id}${deployment.created ? '' : ' (already registered)'} (${services})`);
        // Older deployments still running invocations are removed as each drains, while this one serves;
        // a failed check (the engine's SQL not ready yet) does not stop serving: the watch tries again.
        const draining = await retireDrained(adminUrl, deployment).then(
          (retired) => {
            const line = describeRetired(retired);
            if (line !== null) print(line);
            return retired.draining.length;
          },
          (error: unknown) => {
            print(`checking older deployments: ${error instanceof Error ? error.message : String(error)} (trying again every ${DRAIN_CHECK_MS / 1000} s)`);
            return 1;
          },
        );
        watch = watchDraining(adminUrl, deployment, draining, { intervalMs: DRAIN_CHECK_MS, report: print });
      }
      await stopped();
      print('shutting down');
    } finally {
      await watch?.stop();
      await endpoint.close();
    }
  } finally {
    await opened.close();
  }
}

/** Resolves on the first SIGINT or SIGTERM (and removes both listeners). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function portNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return parsed;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

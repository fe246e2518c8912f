/**
 * What one bench phase runs on, started fresh in a data directory of its own: the embedded database
 * as a daemon process (src/db/daemon.ts: its RSS is its own), one restate-server (src/engine), the
 * LLM simulator when the phase asks the LLM, and a service endpoint process. Every phase starts
 * from the same state (an empty database, an empty engine, a cold LLM cache), so no phase is
 * measured on what an earlier one left.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDatabaseDaemon, stopDatabaseDaemon } from '../db/daemon.js';
import { startEngine, type Engine } from '../engine/index.js';
import { spawnClassify, type ClassifyChild } from './children.js';
import type { SimLatency } from './latency.js';

export interface StackOptions {
  readonly dataDir: string;
  /** Start the simulator with this latency and point the endpoint at it; null: no LLM at all. */
  readonly llm: SimLatency | null;
  /** Seed of the simulator's latency draws (the bench's seed: a rerun draws the same latencies). */
  readonly seed: number;
  /** The endpoint's command line (default `serve --port 0`). */
  readonly endpointArgs?: readonly string[];
  readonly log: (line: string) => void;
}

export interface Stack {
  readonly dataDir: string;
  readonly engine: Engine;
  readonly database: { readonly pid: number; readonly url: string };
  readonly simulator: { readonly child: ClassifyChild; readonly url: string; readonly logFile: string } | null;
  readonly endpoint: { readonly child: ClassifyChild; readonly url: string };
  /** The environment of every classify process of this phase. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
/** What the simulator and `classify serve` print once they listen. */
const SIM_READY = /^(http:\/\/\S+\/v1)$/m;
export const ENDPOINT_READY = /listening on (http:\/\/\S+)/;

/**
 * The environment of the phase's processes: this data directory, and nothing of the developer's
 * shell that would send them elsewhere (another engine, database or LLM). The LLM, when there is
 * one, is the simulator: any key, its URL.
 */
export function phaseEnv(dataDir: string, simulatorUrl: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(RESTATE_|CLASSIFY_|DATABASE_URL$|OPENAI_|ANTHROPIC_|LLM_)/.test(name)) continue;
    env[name] = value;
  }
  env.CLASSIFY_DATA_DIR = dataDir;
  if (simulatorUrl === null) {
    env.LLM_PROVIDER = 'none';
  } else {
    env.LLM_PROVIDER = 'openai';
    env.OPENAI_API_KEY = 'sk-bench-simulator';
    env.OPENAI_BASE_URL = simulatorUrl;
  }
  return env;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { dataDir, log } = options;
  const logs = join(dataDir, 'logs');
  await mkdir(logs, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const next of stops.splice(0).reverse()) await next().catch((error: unknown) => { log(`bench: stopping: ${String(error)}`); });
  };
  try {
    const database = await startDatabaseDaemon(dataDir);
    stops.push(async () => { await stopDatabaseDaemon(dataDir); });
    const engine = await startEngine({ dataDir });
    stops.push(() => engine.stop());
    let simulator: Stack['simulator'] = null;
    if (options.llm !== null) {
      const logFile = join(logs, 'llm-sim.ndjson');
      const child = spawnClassify({
        name: 'llm-sim',
        args: ['llm-sim', '--port', '0', '--latency-ms', String(options.llm.meanMs), '--latency-jitter-ms', String(options.llm.jitterMs), '--seed', String(options.seed), '--log', logFile],
        cwd: dataDir,
        env: phaseEnv(dataDir, null),
        logFile: join(logs, 'llm-sim.out'),
      });
      stops.push(() => child.stop());
      const url = (await child.waitFor(SIM_READY, READY_TIMEOUT_MS))[1] ?? '';
      simulator = { child, url, logFile };
    }
    const env = phaseEnv(dataDir, simulator?.url ?? null);
    const endpointChild = spawnClassify({
      name: 'endpoint',
      args: options.endpointArgs ?? ['serve', '--port', '0'],
      cwd: dataDir,
      env,
      logFile: join(logs, 'endpoint.out'),
    });
    stops.push(() => endpointChild.stop());
    const endpointUrl = (await endpointChild.waitFor(ENDPOINT_READY, READY_TIMEOUT_MS))[1] ?? '';
    return { dataDir, engine, database: { pid: database.pid, url: database.url }, simulator, endpoint: { child: endpointChild, url: endpointUrl }, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

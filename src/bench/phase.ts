/**
 * One bench phase from start to finish: a fresh data directory with its catalog, the stack it needs
 * (stack.ts), memory sampled from the moment everything is up until the run is over, a runner
 * process driving the run to its report, and everything stopped (and the directory removed unless
 * kept) whatever happened.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCatalog, writeCatalog } from '../catalog/generate/index.js';
import { spawnClassify, type ChildExit } from './children.js';
import type { SimLatency } from './latency.js';
import { startRssSampler, type PhaseMemory, type RssSample, type RssSampler } from './rss.js';
import { startStack, type Stack } from './stack.js';
import { copyDatabaseTemplate } from './template.js';

export interface PhaseContext {
  readonly workDir: string;
  readonly seed: number;
  readonly keep: boolean;
  /** A created, migrated, closed PGlite directory copied into each phase (template.ts). */
  readonly pgdataTemplate: string;
  readonly log: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: the runner is stopped, then the stack. */
  readonly signal: AbortSignal;
}

export interface PhaseSpec {
  /** The directory's name under the work directory, and the prefix of the bench's lines. */
  readonly name: string;
  readonly llm: SimLatency | null;
  /** Indicators of the generated catalog written for `classify run`; null: none needed. */
  readonly catalogCount: number | null;
  readonly endpointArgs?: readonly string[];
}

export interface PhaseRun {
  readonly stack: Stack;
  readonly sampler: RssSampler;
  /** The catalog file (empty when none was asked for). */
  readonly catalog: string;
  /** Runs a `classify …` runner process of this phase to its end (its RSS sampled as the runner's). */
  runner(args: readonly string[]): Promise<ChildExit>;
}

export interface PhaseOutcome<T> {
  readonly result: T;
  readonly memory: PhaseMemory;
  readonly runnerSeries: readonly RssSample[];
  readonly dataDir: string;
}

const SAMPLE_MS = 500;
/** A run's progress lines are passed on at most this often (a long bench stays readable). */
const PROGRESS_EVERY_MS = 20_000;

export async function runPhase<T>(context: PhaseContext, spec: PhaseSpec, body: (phase: PhaseRun) => Promise<T>): Promise<PhaseOutcome<T>> {
  const dataDir = join(context.workDir, spec.name);
  const say = (line: string): void => { context.log(`${spec.name}: ${line}`); };
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  try {
    await copyDatabaseTemplate(context.pgdataTemplate, dataDir);
    const catalog = spec.catalogCount === null ? '' : join(dataDir, 'catalog.ndjson');
    if (spec.catalogCount !== null) await writeCatalog(generateCatalog({ count: spec.catalogCount, seed: context.seed }), catalog, 'ndjson');
    say('starting the database daemon, the engine' + (spec.llm === null ? '' : ', the LLM simulator') + ' and the service endpoint');
    const stack = await startStack({ dataDir, llm: spec.llm, seed: context.seed, endpointArgs: spec.endpointArgs, log: context.log });
    try {
      const sampler = startRssSampler(SAMPLE_MS);
      sampler.watch('engine', stack.engine.pid);
      sampler.watch('database', stack.database.pid);
      sampler.watch('endpoint', stack.endpoint.child.pid);
      if (stack.simulator !== null) sampler.watch('simulator', stack.simulator.child.pid);
      let memory: PhaseMemory | null = null;
      try {
        const result = await body({ stack, sampler, catalog, runner: (args) => runRunner(context, stack, sampler, args, say) });
        memory = await sampler.stop();
        return { result, memory, runnerSeries: sampler.runnerSeries, dataDir };
      } finally {
        if (memory === null) await sampler.stop();
      }
    } finally {
      await stack.stop();
    }
  } finally {
    if (!context.keep) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function runRunner(context: PhaseContext, stack: Stack, sampler: RssSampler, args: readonly string[], say: (line: string) => void): Promise<ChildExit> {
  let lastProgress = 0;
  const child = spawnClassify({
    name: 'runner',
    args,
    cwd: stack.dataDir,
    env: stack.env,
    logFile: join(stack.dataDir, 'logs', 'runner.out'),
    onStderrLine: (line) => {
      if (!line.startsWith('progress:')) return;
      if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      say(line);
    },
  });
  sampler.watch('runner', child.pid);
  const onAbort = (): void => void child.stop();
  context.signal.addEventListener('abort', onAbort, { once: true });
  // Interrupted while the stack was starting: the listener above would never fire.
  if (context.signal.aborted) onAbort();
  try {
    return await child.exited;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

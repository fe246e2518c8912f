import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { runBare, serveBare } from '../bench/bare-commands.js';
import { CLASSIFY_JOURNALED_STEPS } from '../bench/bare-workflow.js';
import { benchDashboard } from '../bench/dashboard.js';
import { formatBenchReport } from '../bench/report.js';
import { benchRules } from '../bench/rules.js';
import { BenchMode, BenchSettings, DEFAULT_SETTINGS, parseList, Phase, QUICK_SETTINGS } from '../bench/settings.js';
import { runBench } from '../bench/system.js';
import { reportsDir } from '../config.js';
import { onInterrupt } from './interrupt.js';
import { positiveInteger } from './options.js';

interface SystemFlags {
  targets?: number[];
  modes?: BenchMode[];
  steadyMinutes?: number;
  ceilingCount?: number;
  scaleCount?: number;
  seed?: number;
  skip?: Phase[];
  quick?: boolean;
  keep?: boolean;
  workDir?: string;
  bareSteps?: number;
  out?: string;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks: `bench` (= `bench system`) the whole system, `bench rules` the rule engine alone.');
  // The default subcommand, not an action of `bench` itself: with both, `bench rules --out F` gave
  // F to `bench` (commander reads a parent's options after its subcommand's name too).
  bench
    .command('system', { isDefault: true })
    .description(
      'The system benchmark (the default of `bench`): starts its own engine, database daemon, LLM simulator and service endpoint per phase, runs efficiency per target, the ceiling beside a bare Restate workflow, and a scale run, and writes one JSON report.',
    )
    .option('--targets <list>', `target paces (indicators/min) of the efficiency phase (default ${DEFAULT_SETTINGS.targets.join(',')})`, list(z.coerce.number().int().positive()))
    .option('--modes <list>', `modes of the efficiency phase (default ${DEFAULT_SETTINGS.modes.join(',')})`, list(BenchMode))
    .option('--steady-minutes <m>', `each efficiency run's steady window lasts at least this long at its target (default ${DEFAULT_SETTINGS.steadyMinutes})`, positiveNumber)
    .option('--ceiling-count <n>', `indicators of the ceiling run and of the bare workflow (default ${DEFAULT_SETTINGS.ceilingCount})`, positiveInteger)
    .option('--scale-count <n>', `indicators of the scale run (default ${DEFAULT_SETTINGS.scaleCount})`, positiveInteger)
    .option('--seed <n>', `seed of the generated catalogs (default ${DEFAULT_SETTINGS.seed})`, positiveInteger)
    .option('--skip <list>', `phases to leave out: ${Phase.options.join(', ')}`, list(Phase))
    .option('--bare-steps <n>', `journaled steps of the bare workflow (default: as many as the ceiling run's workflows made, read from the engine's journal; ${CLASSIFY_JOURNALED_STEPS} when the ceiling is skipped)`, positiveInteger)
    .option('--quick', `small counts and short windows (targets ${QUICK_SETTINGS.targets.join(',')}, steady ${QUICK_SETTINGS.steadyMinutes} min, ceiling ${QUICK_SETTINGS.ceilingCount}, scale ${QUICK_SETTINGS.scaleCount}); flags given win`)
    .option('--keep', "keep each phase's data directory (database, engine, logs)")
    .option('--work-dir <dir>', 'where the phases\' data directories go (default: a temporary directory, removed at the end unless --keep)')
    .option('--out <file>', 'the JSON report (default: bench/results/bench-<date>.json from the repository, else <data dir>/reports/; --quick: <data dir>/reports/)')
    .action(async (flags: SystemFlags) => {
      const preset = flags.quick === true ? QUICK_SETTINGS : DEFAULT_SETTINGS;
      const settings = BenchSettings.parse({
        targets: flags.targets ?? preset.targets,
        modes: flags.modes ?? preset.modes,
        steadyMinutes: flags.steadyMinutes ?? preset.steadyMinutes,
        ceilingCount: flags.ceilingCount ?? preset.ceilingCount,
        scaleCount: flags.scaleCount ?? preset.scaleCount,
        seed: flags.seed ?? preset.seed,
        skip: flags.skip ?? [],
        keep: flags.keep === true,
        quick: flags.quick === true,
      });
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const interrupt = onInterrupt('the bench', log);
      try {
        const report = await runBench({
          settings,
          bareSteps: flags.bareSteps,
          out: resolve(flags.out ?? defaultOut(settings.quick)),
          workDir: flags.workDir === undefined ? undefined : resolve(flags.workDir),
          command: ['classify', ...process.argv.slice(2)].join(' '),
          log,
          signal: interrupt.signal,
        });
        process.stdout.write(`${formatBenchReport(report)}\n`);
        process.stdout.write(`report: ${resolve(flags.out ?? defaultOut(settings.quick))}\n`);
        if (report.error !== null) process.exitCode = 1;
      } finally {
        interrupt.dispose();
      }
    });
  bench
    .command('rules')
    .description('Indicators per second of the rule engine (all six stages) on a generated catalog.')
    .option('--count <n>', 'indicators to classify', positiveInteger, 10_000)
    .option('--seed <n>', 'seed of the generated catalog', positiveInteger, 1)
    .option('--out <file>', 'report file (default: <data dir>/reports/bench-rules.json)')
    .action(async (options: { count: number; seed: number; out?: string }) => {
      const report = benchRules(options);
      const out = options.out ?? join(reportsDir(), 'bench-rules.json');
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(report)}\n`);
    });
  bench
    .command('dashboard')
    .description("The dashboard's page and API response times on a fresh embedded database of --count classifications (rules labels of --base generated indicators, copied under new ids).")
    .option('--count <n>', 'classifications in the database', positiveInteger, 100_000)
    .option('--base <n>', 'distinct generated indicators classified by the rules before copying', positiveInteger, 2_000)
    .option('--repeat <n>', 'timed requests per endpoint', positiveInteger, 10)
    .option('--seed <n>', 'seed of the generated catalog', positiveInteger, 1)
    .option('--out <file>', 'report file (default: <data dir>/reports/bench-dashboard.json)')
    .action(async (options: { count: number; base: number; repeat: number; seed: number; out?: string }) => {
      const report = await benchDashboard({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
      const out = options.out ?? join(reportsDir(), 'bench-dashboard.json');
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`report: ${out}\n`);
    });
  // The bare workflow phase's two processes (started by the bench itself, hence hidden).
  bench
    .command('bare-serve', { hidden: true })
    .option('--port <n>', 'port (0: any free one)', nonNegativeInteger, 0)
    .option('--steps <n>', 'journaled steps', positiveInteger, CLASSIFY_JOURNALED_STEPS)
    .action(async (options: { port: number; steps: number }) => {
      await serveBare(options, untilSignal, (line) => process.stdout.write(`${line}\n`));
    });
  bench
    .command('bare-run', { hidden: true })
    .requiredOption('--count <n>', 'workflows to run', positiveInteger)
    .requiredOption('--report <file>', 'the JSON report')
    .option('--seed <n>', 'seed of the generated catalog (the inputs)', positiveInteger, DEFAULT_SETTINGS.seed)
    .option('--steps <n>', 'journaled steps (for the report)', positiveInteger, CLASSIFY_JOURNALED_STEPS)
    .action(async (options: { count: number; seed: number; steps: number; report: string }) => {
      const report = await runBare(options, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`${JSON.stringify(report)}\n`);
    });
}

/** The dated report in the repository's bench/results/ when run from a checkout; else the data directory's reports. */
function defaultOut(quick: boolean): string {
  const date = new Date().toISOString().slice(0, 10);
  const results = resolve('bench', 'results');
  if (!quick && existsSync(results)) return join(results, `bench-${date}.json`);
  return join(reportsDir(), `bench-${quick ? 'quick-' : ''}${date}.json`);
}

function list<T>(schema: z.ZodType<T>): (value: string) => T[] {
  return (value) => {
    try {
      return parseList(schema, value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof z.ZodError ? error.issues.map((issue) => issue.message).join('; ') : String(error));
    }
  };
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a number > 0');
  return parsed;
}

function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be an integer ≥ 0');
  return parsed;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
}

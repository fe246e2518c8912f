import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { benchRules } from '../bench/rules.js';
import { reportsDir } from '../config.js';
import { positiveInteger } from './options.js';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks; each prints one JSON line and writes a JSON report.');
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
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { clusterClient } from '../cluster/client-env.js';
import { dataDir, reportsDir } from '../config.js';
import { consoleProgress } from '../runner/progress.js';
import { runCatalog } from '../runner/run.js';
import { formatReport } from '../runner/summary.js';
import { onInterrupt } from './interrupt.js';
import { addRunOptions, runExitCode, runOptionsFrom, writeReport, type RunFlags } from './run-options.js';

export function registerRun(program: Command): void {
  addRunOptions(program.command('run'))
    .description('Classify every indicator without a current classification, durably, on Restate; wait for completions and report.')
    .option('--endpoint-url <url>', 'register this running `classify serve` instead of hosting the endpoint in-process')
    .action(async (flags: RunFlags & { endpointUrl?: string }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      // A cluster of this data dir (`classify cluster up`): its nodes and load balancer, unless RESTATE_* name an engine.
      const cluster = await clusterClient(dataDir(), process.env);
      if (cluster !== null) log(`engine: ${cluster.described}`);
      const interrupt = onInterrupt('the run', log);
      const report = await runCatalog({
        ...runOptionsFrom(flags),
        dataDir: dataDir(),
        env: cluster?.env ?? process.env,
        endpointUrl: flags.endpointUrl ?? cluster?.endpointUrl,
        progress: consoleProgress(),
        log,
        signal: interrupt.signal,
      }).finally(interrupt.dispose);
      await writeReport(report, [join(reportsDir(), `${report.run_id}.json`), flags.report]);
      process.stdout.write(`${formatReport(report)}\n`);
      process.exitCode = interrupt.signal.aborted ? interrupt.exitCode() : runExitCode(report, flags, log);
    });
}

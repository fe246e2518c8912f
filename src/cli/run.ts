import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CatalogFormat } from '../catalog/read.js';
import { clusterClient } from '../cluster/client-env.js';
import { dataDir, reportsDir } from '../config.js';
import { consoleProgress } from '../runner/progress.js';
import { DEFAULT_MAX_IN_FLIGHT, runCatalog } from '../runner/run.js';
import { formatReport } from '../runner/summary.js';
import { plural } from '../runner/llm-summary.js';
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIDENCE_THRESHOLD, RunMode } from '../llm/plan.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';
import { onInterrupt } from './interrupt.js';
import { catalogFormatOption, positiveInteger, unitInterval } from './options.js';

interface RunFlags {
  catalog?: string;
  format?: CatalogFormat;
  partial?: boolean;
  force?: boolean;
  retryFailed?: boolean;
  limit?: number;
  ipm?: number;
  rpm?: number;
  tpm?: number;
  mode?: RunMode;
  threshold?: number;
  batchSize?: number;
  endpointUrl?: string;
  maxInFlight: number;
  stallTimeout: number;
  report?: string;
  strictLlm?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Classify every indicator without a current classification, durably, on Restate; wait for completions and report.')
    .option('--catalog <file>', 'import this catalog first (JSON array, NDJSON or CSV)')
    .addOption(catalogFormatOption())
    .option('--partial', 'if the catalog is broken part way (truncated), import the valid rows before the break instead of stopping')
    .option('--force', 're-classify every indicator, even those already classified')
    .addOption(new Option('--retry-failed', 'submit again exactly the indicators whose last attempt failed, under a new workflow key').conflicts('force'))
    .option('--limit <n>', 'classify at most n indicators (a sample)', positiveInteger)
    .option('--ipm <n>', 'target pace: indicators submitted per minute (default: as fast as possible)', positiveInteger)
    .option('--rpm <n>', 'LLM requests per minute: a cap shared by every service process, and the submission pace when --ipm is not given (default: as fast as the provider allows)', positiveInteger)
    .option('--tpm <n>', 'LLM tokens per minute: a cap shared by every service process (default: as the provider allows)', positiveInteger)
    .addOption(
      new Option('--mode <mode>', 'rules: no LLM; llm: the LLM answers every LLM stage; hybrid: only the fields the rules are unsure of (default: hybrid with an LLM configured, else rules)').choices(RunMode.options),
    )
    .option('--threshold <confidence>', `hybrid: rules' answers below this confidence go to the LLM (default ${DEFAULT_CONFIDENCE_THRESHOLD})`, unitInterval)
    .option('--batch-size <n>', `distinct questions per LLM request (default ${DEFAULT_BATCH_SIZE})`, positiveInteger)
    .option('--endpoint-url <url>', 'register this running `classify serve` instead of hosting the endpoint in-process')
    .option('--max-in-flight <n>', 'at most n indicators submitted and not yet finished (bounds memory)', positiveInteger, DEFAULT_MAX_IN_FLIGHT)
    .option('--stall-timeout <seconds>', 'stop waiting when no indicator finished and no LLM request was made for this long', positiveInteger, 300)
    .option('--report <file>', 'also write the run report (JSON) here')
    .option('--strict-llm', "exit 1 when any LLM-asked field kept the rules' answer (an LLM fallback), even if every indicator completed")
    .action(async (flags: RunFlags) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      // A cluster of this data dir (`classify cluster up`): its nodes and load balancer, unless RESTATE_* name an engine.
      const cluster = await clusterClient(dataDir(), process.env);
      if (cluster !== null) log(`engine: ${cluster.described}`);
      const interrupt = onInterrupt('the run', log);
      const report = await runCatalog({
        dataDir: dataDir(),
        env: cluster?.env ?? process.env,
        catalog: flags.catalog,
        format: flags.format,
        partial: flags.partial === true,
        force: flags.force === true,
        retryFailed: flags.retryFailed === true,
        limit: flags.limit,
        ipm: flags.ipm,
        rpm: flags.rpm,
        tpm: flags.tpm,
        mode: flags.mode,
        threshold: flags.threshold,
        batchSize: flags.batchSize,
        endpointUrl: flags.endpointUrl ?? cluster?.endpointUrl,
        maxInFlight: flags.maxInFlight,
        stallTimeoutMs: flags.stallTimeout * 1000,
        progress: consoleProgress(),
        log,
        signal: interrupt.signal,
      }).finally(interrupt.dispose);
      const json = `${JSON.stringify(report, null, 2)}\n`;
      for (const file of [join(reportsDir(), `${report.run_id}.json`), flags.report]) {
        if (file === undefined) continue;
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, json);
      }
      process.stdout.write(`${formatReport(report)}\n`);
      // Anything short of every planned indicator classified is a failure to scripts.
      if (report.status !== 'completed') process.exitCode = 1;
      // As `import`: a catalog without indicators, or imported in part, is not clean.
      else if (report.catalog_warnings.length > 0) process.exitCode = 2;
      if (flags.strictLlm === true && report.llm_fallback_fields > 0) {
        process.stderr.write(`--strict-llm: ${plural(report.llm_fallback_indicators, 'indicator')} kept the rules' answer where the LLM was asked: exit 1\n`);
        process.exitCode = 1;
      }
      if (interrupt.signal.aborted) process.exitCode = interrupt.exitCode();
    });
}

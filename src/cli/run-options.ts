/**
 * The flags a run takes, shared by `classify run` and `classify all-in-one` (a run through the native
 * cluster), and what both do with the report: one definition, so the two cannot drift apart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import type { CatalogFormat } from '../catalog/read.js';
import { DEFAULT_CONFIDENCE_THRESHOLD, RunMode } from '../llm/plan.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';
import { plural } from '../runner/llm-summary.js';
import { DEFAULT_MAX_IN_FLIGHT, type RunOptions } from '../runner/run.js';
import type { RunReport } from '../runner/summary.js';
import { catalogFormatOption, positiveInteger, unitInterval } from './options.js';

export interface RunFlags {
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
  maxInFlight: number;
  stallTimeout: number;
  report?: string;
  strictLlm?: boolean;
}

/** Adds every run flag to a command. */
export function addRunOptions(command: Command): Command {
  return command
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
    .option('--max-in-flight <n>', 'at most n indicators submitted and not yet finished (bounds memory)', positiveInteger, DEFAULT_MAX_IN_FLIGHT)
    .option('--stall-timeout <seconds>', 'stop waiting when no indicator finished and no LLM request was made for this long', positiveInteger, 300)
    .option('--report <file>', 'also write the run report (JSON) here')
    .option('--strict-llm', "exit 1 when any LLM-asked field kept the rules' answer (an LLM fallback), even if every indicator completed");
}

/** The part of `runCatalog`'s options that comes from the flags. */
export function runOptionsFrom(flags: RunFlags): Pick<
  RunOptions,
  'catalog' | 'format' | 'partial' | 'force' | 'retryFailed' | 'limit' | 'ipm' | 'rpm' | 'tpm' | 'mode' | 'threshold' | 'batchSize' | 'maxInFlight' | 'stallTimeoutMs'
> {
  return {
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
    maxInFlight: flags.maxInFlight,
    stallTimeoutMs: flags.stallTimeout * 1000,
  };
}

/** Writes the report (JSON) to every path given. */
export async function writeReport(report: object, paths: readonly (string | undefined)[]): Promise<void> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  for (const path of paths) {
    if (path === undefined) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, json);
  }
}

/**
 * The exit code scripts read: 1 for anything short of every planned indicator classified (or, with
 * --strict-llm, any LLM fallback), 2 for a clean run of a catalog imported in part or empty.
 */
export function runExitCode(report: RunReport, flags: Pick<RunFlags, 'strictLlm'>, log: (line: string) => void): number {
  if (report.status !== 'completed') return 1;
  if (flags.strictLlm === true && report.llm_fallback_fields > 0) {
    log(`--strict-llm: ${plural(report.llm_fallback_indicators, 'indicator')} kept the rules' answer where the LLM was asked: exit 1`);
    return 1;
  }
  return report.catalog_warnings.length > 0 ? 2 : 0;
}

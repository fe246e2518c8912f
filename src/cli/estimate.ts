import { Option, type Command } from 'commander';
import { formatRejection, type CatalogFormat } from '../catalog/read.js';
import { estimateCatalog } from '../estimate/index.js';
import { estimateJson, formatEstimate } from '../estimate/format.js';
import { estimateSettings } from '../estimate/settings.js';
import { readEnv } from '../llm/config.js';
import { DEFAULT_CONFIDENCE_THRESHOLD, RunMode } from '../llm/plan.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';
import { catalogFormatOption, positiveInteger, unitInterval } from './options.js';
import { startProgressLine } from './progress-line.js';

type Flags = {
  catalog: string;
  format?: CatalogFormat;
  model?: string;
  mode: RunMode;
  threshold: number;
  batchSize: number;
  ipm?: number;
  rpm?: number;
  json?: boolean;
};

export function registerEstimate(program: Command): void {
  program
    .command('estimate')
    .description('Dry run: the LLM requests, tokens and cost a run of this catalog would take (no network, no database, no engine).')
    .requiredOption('--catalog <file>', 'the catalog (JSON array, NDJSON or CSV; bad rows are reported with their line and skipped)')
    .addOption(catalogFormatOption())
    .option('--model <name>', 'priced model (default: OPENAI_MODEL, else gpt-5-mini)')
    .addOption(new Option('--mode <mode>', 'which fields the LLM is asked').choices(RunMode.options).default('hybrid'))
    .option('--threshold <x>', 'hybrid: ask when the rules\' confidence is below this', unitInterval, DEFAULT_CONFIDENCE_THRESHOLD)
    .option('--batch-size <n>', 'distinct questions per LLM request', positiveInteger, DEFAULT_BATCH_SIZE)
    .option('--ipm <n>', 'pace in indicators per minute: time = indicators / N minutes', positiveInteger)
    .option('--rpm <n>', 'pace in requests per minute: time = requests / N minutes (the slower pace wins)', positiveInteger)
    .option('--json', 'print one JSON object instead of the table')
    .action(async (flags: Flags) => {
      const settings = estimateSettings(readEnv(), flags.model);
      let rows = 0;
      const line = startProgressLine(() => `estimate ${flags.catalog}: ${rows.toLocaleString('en-US')} rows read`);
      const estimate = await estimateCatalog(flags.catalog, {
        mode: flags.mode,
        threshold: flags.threshold,
        batchSize: flags.batchSize,
        ...settings,
        pace: { ipm: flags.ipm, rpm: flags.rpm },
        ...(flags.format === undefined ? {} : { format: flags.format }),
        onRejected: (row) => process.stderr.write(`${formatRejection(row)}\n`),
        onRow: () => {
          rows += 1;
        },
      }).finally(() => {
        line.stop();
      });
      process.stdout.write(flags.json ? `${JSON.stringify(estimateJson(estimate, flags.catalog))}\n` : formatEstimate(estimate, flags.catalog, settings.pricing));
    });
}

import type { Command } from 'commander';
import { evaluate } from '../eval/evaluate.js';
import { evalReportJson, evalReportText } from '../eval/format.js';
import { readLabels } from '../eval/labels.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { unitInterval } from './options.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Run the rules over a labeled file and print the agreement and the calibration per field.')
    .requiredOption('--labels <file>', 'labeled indicators, one JSON object a line (the format of dev.jsonl)')
    .option('--threshold <confidence>', 'hybrid threshold the router recall and load are measured at', unitInterval, DEFAULT_CONFIDENCE_THRESHOLD)
    .option('--json', 'print exactly one JSON object: {"total", "fields": {field: {agree, total, rate}}, "threshold", "calibration": {field: {ece, router_recall, router_load, wrong, bins}}}')
    .action(async (options: { labels: string; threshold: number; json?: boolean }) => {
      const report = evaluate(await readLabels(options.labels), { threshold: options.threshold });
      process.stdout.write(`${options.json ? evalReportJson(report) : evalReportText(report)}\n`);
    });
}

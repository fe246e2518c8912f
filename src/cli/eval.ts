import { InvalidArgumentError, type Command } from 'commander';
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
    .option('--folds <k>', 'also cross-validate the threshold over k folds and print out-of-fold router recall and load', foldCount)
    .option('--json', 'print exactly one JSON object: {"total", "fields": {field: {agree, total, rate}}, "threshold", "calibration": {field: {ece, router_recall, router_load, wrong, bins}}, "sweep", "cross_validation" (with --folds)}')
    .action(async (options: { labels: string; threshold: number; folds?: number; json?: boolean }) => {
      const report = evaluate(await readLabels(options.labels), { threshold: options.threshold, ...(options.folds === undefined ? {} : { folds: options.folds }) });
      process.stdout.write(`${options.json ? evalReportJson(report) : evalReportText(report)}\n`);
    });
}

function foldCount(value: string): number {
  const k = Number(value);
  if (!Number.isInteger(k) || k < 2 || k > 100) throw new InvalidArgumentError('must be a whole number from 2 to 100');
  return k;
}

import type { Command } from 'commander';
import { evaluate } from '../eval/evaluate.js';
import { evalReportJson, evalReportText } from '../eval/format.js';
import { readLabels } from '../eval/labels.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Run the rules over a labeled file and print the agreement per field.')
    .requiredOption('--labels <file>', 'labeled indicators, one JSON object a line (the format of dev.jsonl)')
    .option('--json', 'print exactly one JSON object: {"total", "fields": {field: {agree, total, rate}}}')
    .action(async (options: { labels: string; json?: boolean }) => {
      const report = evaluate(await readLabels(options.labels));
      process.stdout.write(`${options.json ? evalReportJson(report) : evalReportText(report)}\n`);
    });
}

import { InvalidArgumentError, type Command } from 'commander';
import { evaluate } from '../eval/evaluate.js';
import { evalReportJson, evalReportText } from '../eval/format.js';
import { writeFile } from 'node:fs/promises';
import { weightsModule } from '../eval/fit.js';
import { applyCorrections, readCorrections, readLabelFiles } from '../eval/labels.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { unitInterval } from './options.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Run the rules over a labeled file and print the agreement and the calibration per field.')
    .requiredOption('--labels <file>', 'labeled indicators, one JSON object a line (the format of dev.jsonl); repeat to measure several files as one set', collect, [])
    .option('--threshold <confidence>', 'hybrid threshold the router recall and load are measured at', unitInterval, DEFAULT_CONFIDENCE_THRESHOLD)
    .option('--folds <k>', 'also cross-validate the threshold over k folds and print out-of-fold router recall and load', foldCount)
    .option('--corrections <file>', 'labels the standard contradicts, replaced by the standard\'s answer before measuring (JSON: {"corrections": [{id, field, label, standard, why}]})')
    .option('--fit <module>', 'fit the confidence weights (family/type, time basis, orientation) on every row and write them as a TS module (src/stages/classify/confidence-weights.ts); rebuild to use them')
    .option('--json', 'print exactly one JSON object: {"total", "fields": {field: {agree, total, rate}}, "threshold", "calibration": {field: {ece, router_recall, router_load, wrong, bins}} (the label fields, time_basis, and reporting_frequency where rows label it), "sweep", "chosen_threshold", "cross_validation" (with --folds)}')
    .action(async (options: { labels: string[]; threshold: number; folds?: number; json?: boolean; corrections?: string; fit?: string }) => {
      if (options.labels.length === 0) throw new InvalidArgumentError('--labels: name at least one labeled file');
      const raw = await readLabelFiles(options.labels);
      const labeled = options.corrections === undefined ? raw : applyCorrections(raw, await readCorrections(options.corrections));
      const report = evaluate(labeled, {
        threshold: options.threshold,
        ...(options.folds === undefined ? {} : { folds: options.folds }),
        fit: options.fit !== undefined,
      });
      if (options.fit !== undefined && report.fitted !== null) {
        const files = options.labels.join(' + ');
        const source = options.corrections === undefined ? files : `${files} with ${options.corrections}`;
        await writeFile(options.fit, weightsModule(report.fitted.weights, { counts: report.fitted.counts, labels: source }));
      }
      process.stdout.write(`${options.json ? evalReportJson(report) : evalReportText(report)}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function foldCount(value: string): number {
  const k = Number(value);
  if (!Number.isInteger(k) || k < 2 || k > 100) throw new InvalidArgumentError('must be a whole number from 2 to 100');
  return k;
}

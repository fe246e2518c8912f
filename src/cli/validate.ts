import type { Command } from 'commander';
import { checkCatalog, formatBreak, formatRejection, formatSummary, noIndicators, type CatalogFormat } from '../catalog/read.js';
import { catalogFormatOption } from './options.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a catalog (JSON array, NDJSON or CSV): report every invalid row with its line and reason.')
    .argument('<file>', 'the catalog')
    .addOption(catalogFormatOption())
    .action(async (file: string, options: { format?: CatalogFormat }) => {
      const { summary, broken } = await checkCatalog(file, {
        ...options,
        onRow: (row) => {
          if (row.kind === 'rejected') process.stderr.write(`${formatRejection(row)}\n`);
        },
      });
      process.stdout.write(`${file}: ${formatSummary(summary)}\n`);
      // A broken file is an error; an empty one or one with rejected rows is not clean: exit 2 for scripts.
      if (broken !== null) throw new Error(formatBreak(broken));
      if (summary.read === 0) process.stderr.write(`warning: ${noIndicators(file)}\n`);
      if (summary.rejected > 0 || summary.read === 0) process.exitCode = 2;
    });
}

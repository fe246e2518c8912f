import type { Command } from 'commander';
import { formatRejection, formatSummary, readCatalogWithSummary, type CatalogFormat } from '../catalog/read.js';
import { catalogFormatOption } from './options.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a catalog (JSON array, NDJSON or CSV): report every invalid row with its line and reason.')
    .argument('<file>', 'the catalog')
    .addOption(catalogFormatOption())
    .action(async (file: string, options: { format?: CatalogFormat }) => {
      const summary = await readCatalogWithSummary(file, {
        ...options,
        onRow: (row) => {
          if (row.kind === 'rejected') process.stderr.write(`${formatRejection(row)}\n`);
        },
      });
      process.stdout.write(`${file}: ${formatSummary(summary)}\n`);
      // A catalog with rejected rows is not clean: say so to scripts too.
      if (summary.rejected > 0) process.exitCode = 2;
    });
}

import type { Command } from 'commander';
import { formatRejection, formatSummary, type CatalogFormat } from '../catalog/read.js';
import { openDatabase } from '../db/connect.js';
import { importCatalog } from '../db/indicators.js';
import { catalogFormatOption } from './options.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Store a catalog (JSON array, NDJSON or CSV) in the database: new ids are added, changed ones updated.')
    .argument('<file>', 'the catalog')
    .addOption(catalogFormatOption())
    .action(async (file: string, options: { format?: CatalogFormat }) => {
      const db = await openDatabase();
      try {
        const summary = await importCatalog(db.pool, file, {
          ...options,
          onRejected: (row) => process.stderr.write(`${formatRejection(row)}\n`),
        });
        process.stdout.write(`${file}: ${formatSummary(summary)}\n`);
        const stored = summary.inserted + summary.updated + summary.unchanged;
        process.stdout.write(
          `imported ${stored} indicators (${summary.inserted} new, ${summary.updated} changed, ${summary.unchanged} unchanged) into ${db.location}\n`,
        );
        // As `validate`: a catalog with rejected rows is not clean, though its valid rows are stored.
        if (summary.rejected > 0) process.exitCode = 2;
      } finally {
        await db.close();
      }
    });
}

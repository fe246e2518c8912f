import type { Command } from 'commander';
import { formatRejection, formatSummary, type CatalogFormat } from '../catalog/read.js';
import { openDatabase } from '../db/connect.js';
import { importCatalog, importNotes, type ImportProgress } from '../db/indicators.js';
import { catalogFormatOption } from './options.js';
import { startProgressLine } from './progress-line.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Store a catalog (JSON array, NDJSON or CSV) in the database: new ids are added, changed ones updated.')
    .argument('<file>', 'the catalog')
    .addOption(catalogFormatOption())
    .option('--partial', 'if the file is broken part way (truncated), import the valid rows before the break instead of nothing')
    .action(async (file: string, options: { format?: CatalogFormat; partial?: boolean }) => {
      const db = await openDatabase();
      let progress: ImportProgress = { checked: 0, stored: 0, toStore: null };
      const line = startProgressLine(() => describeProgress(file, progress));
      try {
        const summary = await importCatalog(db.pool, file, {
          ...options,
          onRejected: (row) => process.stderr.write(`${formatRejection(row)}\n`),
          onProgress: (now) => void (progress = now),
        });
        line.stop();
        process.stdout.write(`${file}: ${formatSummary(summary)}\n`);
        const stored = summary.inserted + summary.updated + summary.unchanged;
        process.stdout.write(
          `imported ${stored} indicators (${summary.inserted} new, ${summary.updated} changed, ${summary.unchanged} unchanged) into ${db.location}\n`,
        );
        const notes = importNotes(file, summary);
        for (const note of notes) process.stderr.write(`warning: ${note}\n`);
        // As `validate`: rejected rows, no rows or a partial import is not a clean catalog (exit 2), though what is valid is stored.
        if (notes.length > 0) process.exitCode = 2;
      } finally {
        line.stop();
        await db.close();
      }
    });
}

function describeProgress(file: string, progress: ImportProgress): string {
  const checked = `import ${file}: checked ${progress.checked.toLocaleString('en-US')} rows`;
  if (progress.toStore === null) return checked;
  return `${checked}, stored ${progress.stored.toLocaleString('en-US')} of ${progress.toStore.toLocaleString('en-US')}`;
}

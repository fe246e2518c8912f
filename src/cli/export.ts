import { Option, type Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { openDatabase } from '../db/connect.js';
import { EXPORT_FORMATS, exportClassifications, type ExportFormat } from '../db/export.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write every classification, with the indicator name and units, as CSV, JSON or NDJSON.')
    .addOption(new Option('--format <format>', 'output format (default: from the --out extension, else ndjson)').choices(EXPORT_FORMATS))
    .option('--out <file>', 'where to write (default: standard output)')
    .action(async (options: { format?: ExportFormat; out?: string }) => {
      const format = options.format ?? formatOf(options.out);
      const db = await openDatabase();
      try {
        const out = options.out === undefined ? process.stdout : createWriteStream(options.out);
        const count = await exportClassifications(db.pool, { format, out });
        // The data may be on standard output: the count goes to stderr then.
        const report = `exported ${count} classifications${options.out === undefined ? '' : ` to ${options.out}`} (${format})\n`;
        (options.out === undefined ? process.stderr : process.stdout).write(report);
      } finally {
        await db.close();
      }
    });
}

function formatOf(out: string | undefined): ExportFormat {
  const extension = out === undefined ? '' : extname(out).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  return 'ndjson';
}

import { Option, type Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { openDatabase } from '../db/connect.js';
import { EXPORT_FORMATS, exportClassifications, type ExportFormat } from '../db/export.js';
import { startProgressLine } from './progress-line.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write every classification, with the indicator name and units, as CSV, JSON or NDJSON.')
    .addOption(new Option('--format <format>', 'output format (default: from the --out extension, else ndjson)').choices(EXPORT_FORMATS))
    .option('--out <file>', 'where to write (default: standard output)')
    .action(async (options: { format?: ExportFormat; out?: string }) => {
      const format = options.format ?? formatOf(options.out);
      const db = await openDatabase();
      let exported = 0;
      const line = startProgressLine(() => `export: ${exported.toLocaleString('en-US')} classifications written`);
      try {
        const out = options.out === undefined ? process.stdout : createWriteStream(options.out);
        const count = await exportClassifications(db.pool, { format, out, onProgress: (n) => void (exported = n) });
        line.stop();
        // The data may be on standard output: the count goes to stderr then.
        const report = `exported ${count} classifications${options.out === undefined ? '' : ` to ${options.out}`} (${format})\n`;
        (options.out === undefined ? process.stderr : process.stdout).write(report);
      } catch (error) {
        // `classify export | head`: the reader has all it wants. Like any Unix filter, stop quietly.
        if (options.out !== undefined || !isClosedPipe(error)) throw error;
      } finally {
        line.stop();
        await db.close();
      }
    });
}

function isClosedPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

function formatOf(out: string | undefined): ExportFormat {
  const extension = out === undefined ? '' : extname(out).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  return 'ndjson';
}

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { formatRejection, formatSummary, readCatalogWithSummary, type CatalogFormat } from '../catalog/read.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { catalogFormatOption } from './options.js';
import { startProgressLine } from './progress-line.js';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('Classify a catalog with the rules only (no LLM, no network, no database); one JSON line per indicator.')
    .argument('<file>', 'the catalog (JSON array, NDJSON or CSV)')
    .addOption(catalogFormatOption())
    .option('--out <file>', 'write the classifications here (default: standard output)')
    .action(async (file: string, options: { format?: CatalogFormat; out?: string }) => {
      const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
      let rows = 0;
      const line = startProgressLine(() => `rules ${file}: ${rows.toLocaleString('en-US')} rows classified or rejected`);
      const summary = await readCatalogWithSummary(file, {
        ...options,
        onRow: async (row) => {
          rows += 1;
          if (row.kind === 'rejected') {
            process.stderr.write(`${formatRejection(row)}\n`);
            return;
          }
          // Respect back-pressure so a 100,000-row catalog streams instead of piling up in memory.
          if (!out.write(`${JSON.stringify(classifyWithRules(row.indicator))}\n`)) await once(out, 'drain');
        },
      }).finally(() => {
        line.stop();
      });
      if (out !== process.stdout) {
        out.end();
        await once(out, 'finish');
      }
      process.stderr.write(`${file}: ${formatSummary(summary)}\n`);
      // As `validate` and `import`: rejected rows or no rows is not a clean catalog, though every valid row was classified.
      if (summary.rejected > 0 || summary.read === 0) process.exitCode = 2;
    });
}

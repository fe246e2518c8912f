import { Option, type Command } from 'commander';
import { generateCatalog, writeCatalog, type CatalogWriteFormat } from '../catalog/generate/index.js';
import { formatFromExtension } from '../catalog/read.js';
import { positiveInteger } from './options.js';

export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('Catalog tools.');
  catalog
    .command('generate')
    .description('Write a realistic synthetic catalog (about 140 concepts × up to 190 countries), deterministic per seed.')
    .requiredOption('--count <n>', 'indicators to write', positiveInteger)
    .option('--seed <n>', 'random seed', positiveInteger, 1)
    .requiredOption('--out <file>', 'output file (.json, .ndjson/.jsonl or .csv)')
    .addOption(new Option('--format <format>', 'output format (default: from the extension)').choices(['json', 'ndjson', 'csv']))
    .action(async (options: { count: number; seed: number; out: string; format?: CatalogWriteFormat }) => {
      const format = options.format ?? formatFromExtension(options.out);
      if (format === null) throw new Error(`${options.out}: use .json, .ndjson, .jsonl or .csv, or pass --format`);
      const written = await writeCatalog(generateCatalog(options), options.out, format);
      process.stdout.write(`wrote ${written} indicators to ${options.out} (${format}, seed ${options.seed})\n`);
    });
}

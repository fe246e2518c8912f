#!/usr/bin/env node
/** The `classify` command: a thin shell over the library. */
import { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerCatalog } from './catalog.js';
import { registerEval } from './eval.js';
import { registerRules } from './rules.js';
import { registerValidate } from './validate.js';

const program = new Command()
  .name('classify')
  .description('Classify catalogs of economic indicators into the taxonomy of shared/TAXONOMY.md.')
  .showHelpAfterError();

registerEval(program);
registerValidate(program);
registerRules(program);
registerCatalog(program);
registerBench(program);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

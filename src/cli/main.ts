#!/usr/bin/env node
/** The `classify` command: a thin shell over the library. */
import { Command } from 'commander';
import { createStore } from '../db/classifications.js';
import { openDatabase } from '../db/connect.js';
import { registerBench } from './bench.js';
import { registerCatalog } from './catalog.js';
import { registerAllInOne } from './cluster-all-in-one.js';
import { registerCluster } from './cluster.js';
import { registerDashboard } from './dashboard.js';
import { registerDb } from './db.js';
import { registerEngine } from './engine.js';
import { registerEstimate } from './estimate.js';
import { registerEval } from './eval.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerLlmSim } from './llm-sim.js';
import { registerReview } from './review.js';
import { registerRules } from './rules.js';
import { registerRun } from './run.js';
import { llmServiceFromEnv } from '../workflow/llm/service.js';
import { registerServe } from './serve.js';
import { registerStatus } from './status.js';
import { registerValidate } from './validate.js';

const program = new Command()
  .name('classify')
  .description('Classify catalogs of economic indicators into the taxonomy of shared/TAXONOMY.md.')
  .showHelpAfterError();

registerRun(program);
registerStatus(program);
registerEngine(program);
registerCluster(program);
registerAllInOne(program);
registerDb(program);
registerServe(program, async ({ rpm, tpm }) => {
  const db = await openDatabase();
  return { store: createStore(db.pool), llm: llmServiceFromEnv(db.pool, { rpm, tpm }), close: () => db.close() };
});
registerImport(program);
registerExport(program);
registerValidate(program);
registerRules(program);
registerEval(program);
registerCatalog(program);
registerBench(program);
registerLlmSim(program);
registerEstimate(program);
registerDashboard(program);
registerReview(program);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

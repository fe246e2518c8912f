import type { Command } from 'commander';
import { clusterClient } from '../cluster/client-env.js';
import { dataDir } from '../config.js';
import { formatStatus, systemStatus } from '../runner/status.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Engine health, database rows per table, invocations in flight, the newest classification, recent failures.')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      // A cluster of this data dir: its nodes are the engine (RESTATE_* set explicitly still win).
      const cluster = await clusterClient(dataDir(), process.env);
      const status = await systemStatus(dataDir(), cluster?.env ?? process.env);
      process.stdout.write(`${flags.json ? JSON.stringify(status) : formatStatus(status)}\n`);
      if (!status.database.reachable) process.exitCode = 1;
    });
}

import type { Command } from 'commander';
import { dataDir } from '../config.js';
import { formatStatus, systemStatus } from '../runner/status.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Engine health, database rows per table, invocations in flight, the newest classification, recent failures.')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const status = await systemStatus(dataDir(), process.env);
      process.stdout.write(`${flags.json ? JSON.stringify(status) : formatStatus(status)}\n`);
      if (!status.database.reachable) process.exitCode = 1;
    });
}

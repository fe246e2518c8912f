/**
 * The `classify engine` commands as a program of their own, for test/engine-cli.test.ts: it runs in a
 * separate process (via vite-node), like the real CLI, so a detached engine must outlive it.
 */
import { Command } from 'commander';
import { registerEngine } from '../src/cli/engine.js';

const program = new Command().name('classify');
registerEngine(program);
program.parseAsync(process.argv.slice(2), { from: 'user' }).catch((error: unknown) => {
  process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

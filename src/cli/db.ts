import type { Command } from 'commander';
import { dataDir } from '../config.js';
import { maskUrl } from '../db/connect.js';
import { daemonLogPath, databaseDaemonStatus, startDatabaseDaemon, stopDatabaseDaemon } from '../db/daemon.js';

/** The Postgres server named by DATABASE_URL, if any: then there is no embedded database to manage. */
function externalUrl(env: NodeJS.ProcessEnv): string | null {
  const url = env.DATABASE_URL?.trim();
  return url === undefined || url === '' ? null : url;
}

/** `classify db start|stop|status`: a background process serving the embedded database of a data directory. */
export function registerDb(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const db = program
    .command('db')
    .description('The embedded database (PGlite) served in the background, so `classify serve` and `run` processes can come and go.');

  db.command('start')
    .description('Serve the embedded database in the background until `classify db stop`.')
    .action(async () => {
      const external = externalUrl(env);
      if (external !== null) {
        process.stdout.write(`DATABASE_URL is set (${maskUrl(external)}): that server is the database; nothing to start\n`);
        return;
      }
      const dir = dataDir(env);
      const daemon = await startDatabaseDaemon(dir);
      process.stdout.write(
        daemon.started
          ? `database started (pid ${daemon.pid})\n  url  ${daemon.url}\n  log  ${daemonLogPath(dir)}\n`
          : `database already served (pid ${daemon.pid})\n  url  ${daemon.url}\n`,
      );
    });

  db.command('stop')
    .description('Stop the database started by `classify db start` (SIGTERM; PGlite closes its files).')
    .action(async () => {
      const external = externalUrl(env);
      if (external !== null) {
        process.stdout.write(`DATABASE_URL is set (${maskUrl(external)}): nothing to stop\n`);
        return;
      }
      const result = await stopDatabaseDaemon(dataDir(env));
      if (result.stopped) {
        process.stdout.write(`database stopped (pid ${result.pid})\n`);
        return;
      }
      process.stdout.write(`database not stopped: ${result.reason}\n`);
      // Something serves it that we must not stop: say so to scripts.
      if (result.pid !== null && !result.reason.startsWith('no ')) process.exitCode = 1;
    });

  db.command('status')
    .description('The url of the served database, or "not running" (exit code 1).')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const external = externalUrl(env);
      const dir = dataDir(env);
      const served = external === null ? await databaseDaemonStatus(dir) : null;
      const report = {
        kind: external === null ? 'pglite' : 'postgres',
        running: external !== null || served !== null,
        url: external === null ? (served?.url ?? null) : maskUrl(external),
        pid: served?.pid ?? null,
        daemon: served?.daemon ?? false,
        dataDir: dir,
      };
      if (options.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
      else if (external !== null) process.stdout.write(`database: postgres ${report.url ?? ''} (DATABASE_URL)\n`);
      else if (served === null) process.stdout.write(`database: not running (data dir ${dir}; start it with \`classify db start\`)\n`);
      else process.stdout.write(`database: pglite ${served.url} (pid ${served.pid}${served.daemon ? ', classify db daemon' : ', hosted by a classify process'})\n`);
      if (!report.running) process.exitCode = 1;
    });
}

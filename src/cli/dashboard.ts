/** `classify dashboard`: the web page over the database every other command uses (src/web/). */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { clusterClient } from '../cluster/client-env.js';
import { dataDir } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { startDatabaseDaemon } from '../db/daemon.js';
import { systemStatus } from '../runner/status.js';
import { listenDecision, TOKEN_VARIABLE } from '../web/access.js';
import { createApp } from '../web/app.js';
import { loadAssets } from '../web/assets.js';
import { listen } from '../web/server.js';
import { listenPort } from './options.js';

interface DashboardFlags {
  readonly port: number;
  readonly host: string;
  readonly benchDir: string;
}

export function registerDashboard(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  program
    .command('dashboard')
    .description(`A web page of runs (live), classifications with their evidence, distributions, health and the latest bench report, and the review queue (its one write: accept / override). Any host but 127.0.0.1 needs ${TOKEN_VARIABLE}.`)
    .option('--port <n>', 'port to listen on (0: any free port)', listenPort, 8090)
    .option('--host <host>', `address to listen on; anything but loopback requires ${TOKEN_VARIABLE}`, '127.0.0.1')
    .option('--bench-dir <dir>', 'where `classify bench` reports are (the newest is shown)', 'bench/results')
    .action(async (flags: DashboardFlags) => {
      const access = listenDecision(flags.host, env[TOKEN_VARIABLE]);
      if (!access.ok) throw new Error(access.reason);
      const dir = dataDir(env);
      const external = (env.DATABASE_URL ?? '').trim() !== '';
      // The embedded database outlives this page in its own daemon (a run started later shares it),
      // unless a process already serves it.
      const daemon = external ? null : await startDatabaseDaemon(dir);
      const db = await openDatabase({ env, dataDir: dir, maxConnections: 4 });
      const cluster = await clusterClient(dir, env);
      const app = createApp({
        pool: db.pool,
        token: access.token,
        health: () => systemStatus(dir, cluster?.env ?? env),
        benchDir: resolve(flags.benchDir),
        assets: await loadAssets(),
        env,
      });
      const server = await listen(app, flags.host, flags.port);
      const served = daemon === null ? '' : daemon.started ? ` (started \`classify db\` daemon pid ${daemon.pid}; \`classify db stop\` stops it)` : ` (served by pid ${daemon.pid})`;
      process.stdout.write(`dashboard: ${server.url}${access.token === null ? '' : ` (token required: ${TOKEN_VARIABLE})`}\ndatabase: ${db.kind} ${db.location}${served}\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          done();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await db.close();
    });
}

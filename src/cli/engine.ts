import { InvalidArgumentError, type Command } from 'commander';
import { dataDir } from '../config.js';
import { describeOwner, engineStatus, type EngineStatus } from '../engine/find.js';
import { enginePaths } from '../engine/paths.js';
import { parsePort, portsFromEnv } from '../engine/ports.js';
import { startEngine, stopEngine } from '../engine/process.js';
import { readEngineState } from '../engine/state.js';

function portOption(name: string): (value: string) => number {
  return (value) => {
    try {
      return parsePort(value, name);
    } catch {
      throw new InvalidArgumentError('must be a TCP port (1-65535)');
    }
  };
}

function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const parts = [[Math.floor(seconds / 86_400), 'd'], [Math.floor(seconds / 3600) % 24, 'h'], [Math.floor(seconds / 60) % 60, 'm'], [seconds % 60, 's']] as const;
  const shown = parts.filter(([value], index) => value > 0 || index === parts.length - 1);
  return shown.map(([value, unit]) => `${value}${unit}`).join(' ');
}

function formatStatus(status: EngineStatus, dir: string): string {
  const { engine } = status;
  if (engine === null) return `engine: not running (data dir ${dir}; start it with \`classify engine start\`)\n`;
  const ok = (up: boolean) => (up ? 'ok' : 'not answering');
  const owner = describeOwner(engine);
  return [
    `engine: ${status.healthy ? 'running, healthy' : 'running, NOT healthy'}${engine.source === 'env' ? ' (external: RESTATE_INGRESS_URL/RESTATE_ADMIN_URL)' : ''}`,
    `  ingress  ${engine.ingressUrl}  (${ok(status.health.ingress)})`,
    `  admin    ${engine.adminUrl}  (${ok(status.health.admin)}${status.health.admin && !status.health.partitions ? ', partitions not ready' : ''})`,
    ...(engine.pid === null ? [] : [`  pid      ${engine.pid}`]),
    ...(owner === null ? [] : [`  owner    ${owner}`]),
    ...(status.uptimeMs === null ? [] : [`  uptime   ${formatDuration(status.uptimeMs)}`]),
    ...(engine.source === 'local' ? [`  log      ${enginePaths(dir).log}`] : []),
    '',
  ].join('\n');
}

/** `classify engine start|stop|status`: one local restate-server per data directory. */
export function registerEngine(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const engine = program
    .command('engine')
    .description('The local Restate engine (restate-server on 127.0.0.1, state under <data dir>/restate).');

  engine
    .command('start')
    .description('Start the engine in the background and wait until it is healthy; it runs until `classify engine stop`.')
    .option('--ingress-port <port>', 'ingress port (default: CLASSIFY_ENGINE_INGRESS_PORT or a free one)', portOption('--ingress-port'))
    .option('--admin-port <port>', 'admin API port (default: CLASSIFY_ENGINE_ADMIN_PORT or a free one)', portOption('--admin-port'))
    .option('--node-port <port>', 'node-to-node port (default: CLASSIFY_ENGINE_NODE_PORT or a free one)', portOption('--node-port'))
    .action(async (options: { ingressPort?: number; adminPort?: number; nodePort?: number }) => {
      const dir = dataDir(env);
      const ports = { ...portsFromEnv(env) };
      if (options.ingressPort !== undefined) ports.ingress = options.ingressPort;
      if (options.adminPort !== undefined) ports.admin = options.adminPort;
      if (options.nodePort !== undefined) ports.node = options.nodePort;
      const status = await engineStatus(dir, { ...env, RESTATE_INGRESS_URL: undefined, RESTATE_ADMIN_URL: undefined });
      if (status.engine !== null) {
        process.stdout.write(`engine already running (pid ${status.engine.pid ?? '?'})\n${formatStatus(status, dir)}`);
        return;
      }
      const started = await startEngine({ dataDir: dir, ports, detached: true });
      process.stdout.write(
        `engine started (pid ${started.pid})\n  ingress  ${started.ingressUrl}\n  admin    ${started.adminUrl}\n  log      ${enginePaths(dir).log}\n`,
      );
      if (env.RESTATE_INGRESS_URL !== undefined || env.RESTATE_ADMIN_URL !== undefined) {
        process.stderr.write('note: RESTATE_INGRESS_URL/RESTATE_ADMIN_URL are set: `classify run` will use that engine, not this one\n');
      }
    });

  engine
    .command('stop')
    .description('Stop the engine started by `classify engine start` (SIGTERM, then SIGKILL if it hangs).')
    .action(async () => {
      const dir = dataDir(env);
      const result = await stopEngine(dir);
      process.stdout.write(result.stopped ? `engine stopped (pid ${result.pid ?? '?'})\n` : `engine not running: ${result.reason ?? ''}\n`);
    });

  engine
    .command('status')
    .description('Health, URLs, pid and uptime of the engine; exit code 0 when it is healthy, 1 otherwise.')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const dir = dataDir(env);
      const status = await engineStatus(dir, env);
      if (options.json === true) {
        const recorded = status.engine?.source === 'local' ? await readEngineState(dir) : null;
        const report = {
          running: status.running,
          healthy: status.healthy,
          health: status.health,
          source: status.engine?.source ?? null,
          pid: status.engine?.pid ?? null,
          ingressUrl: status.engine?.ingressUrl ?? null,
          adminUrl: status.engine?.adminUrl ?? null,
          nodePort: recorded?.nodePort ?? null,
          startedAt: status.engine?.startedAt ?? null,
          owner: status.engine?.owner ?? null,
          uptimeMs: status.uptimeMs,
          dataDir: dir,
        };
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        process.stdout.write(formatStatus(status, dir));
      }
      if (!status.healthy) process.exitCode = 1;
    });
}

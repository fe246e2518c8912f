/** `classify cluster up|down|clean|status|logs|generate`: a native cluster on this machine, or a docker-compose deployment's files. */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { readClusterFile } from '../cluster/cluster-file.js';
import { clusterClean, clusterDown } from '../cluster/down.js';
import { writeDeployment } from '../cluster/generate.js';
import { followLogs, logSources, printLogs } from '../cluster/logs.js';
import { clusterPaths } from '../cluster/paths.js';
import { clusterStatus, formatClusterStatus } from '../cluster/status.js';
import { loadBalancerUrl } from '../cluster/topology.js';
import { clusterUp } from '../cluster/up.js';
import { addClusterSizeOptions, clusterDataDir, clusterSize, type ClusterSizeFlags } from './cluster-options.js';
import { positiveInteger } from './options.js';

const say = (line: string): void => void process.stderr.write(`${line}\n`);

export function registerCluster(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('A Restate cluster: N restate-server nodes and M `classify serve` processes behind HAProxy, natively on this machine (see CLUSTER.md).');

  addClusterSizeOptions(cluster.command('up'))
    .description('Start the cluster (or whatever of it is down) in the background and wait until it is healthy.')
    .action(async (flags: ClusterSizeFlags) => {
      const dir = clusterDataDir(flags);
      const size = clusterSize(flags);
      await clusterUp({ dataDir: dir, ...size, portBase: flags.portBase, env: process.env, log: say, skipFitCheck: !flags.fitCheck });
      const status = await clusterStatus(dir, process.env);
      if (status !== null) process.stdout.write(formatClusterStatus(status));
      if (status?.healthy !== true) process.exitCode = 1;
    });

  cluster
    .command('down')
    .description('Stop every process of the cluster; its data stays, and `cluster up` starts the same cluster again.')
    .option('--data-dir <dir>', 'the data directory (default: $CLASSIFY_DATA_DIR or ./.classify)')
    .action(async (flags: { dataDir?: string }) => {
      const result = await clusterDown({ dataDir: clusterDataDir(flags), env: process.env, log: say });
      if (result.file === null) process.stdout.write(`no cluster in ${clusterDataDir(flags)}\n`);
      else process.stdout.write(result.stopped.length === 0 ? 'cluster: nothing was running\n' : `cluster stopped: ${result.stopped.join(', ')}\n`);
    });

  cluster
    .command('clean')
    .description("Stop the cluster and remove its folder (<data dir>/cluster: nodes' data, snapshots, logs); the database is kept.")
    .option('--data-dir <dir>', 'the data directory (default: $CLASSIFY_DATA_DIR or ./.classify)')
    .action(async (flags: { dataDir?: string }) => {
      const result = await clusterClean({ dataDir: clusterDataDir(flags), env: process.env, log: say });
      if (result.stopped.length > 0) process.stdout.write(`cluster stopped: ${result.stopped.join(', ')}\n`);
      process.stdout.write(`removed ${result.removed} (the database in ${clusterDataDir(flags)} is kept)\n`);
    });

  cluster
    .command('status')
    .description('Every node, service, the load balancer, the object store and the database: up and healthy or not; exit 1 unless all are.')
    .option('--json', 'print one JSON object')
    .option('--data-dir <dir>', 'the data directory (default: $CLASSIFY_DATA_DIR or ./.classify)')
    .action(async (flags: { json?: boolean; dataDir?: string }) => {
      const dir = clusterDataDir(flags);
      const status = await clusterStatus(dir, process.env);
      if (status === null) {
        process.stdout.write(flags.json === true ? `${JSON.stringify({ running: false, data_dir: dir })}\n` : `no cluster in ${dir} (\`classify cluster up --nodes 3 --services 2\` starts one)\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(flags.json === true ? `${JSON.stringify(status)}\n` : formatClusterStatus(status));
      if (!status.healthy) process.exitCode = 1;
    });

  cluster
    .command('logs')
    .description('The logs of the cluster\'s processes (every one, or one node or service).')
    .option('--follow', 'keep printing what is appended, until Ctrl-C')
    .option('--node <i>', 'only node i', positiveInteger)
    .option('--service <j>', 'only service j', positiveInteger)
    .option('--lines <n>', 'lines of each log to print first', positiveInteger, 40)
    .option('--data-dir <dir>', 'the data directory (default: $CLASSIFY_DATA_DIR or ./.classify)')
    .action(async (flags: { follow?: boolean; node?: number; service?: number; lines: number; dataDir?: string }) => {
      if (flags.node !== undefined && flags.service !== undefined) throw new Error('give --node or --service, not both');
      const dir = clusterDataDir(flags);
      const file = await readClusterFile(clusterPaths(dir).file);
      if (file === null) throw new Error(`no cluster in ${dir}`);
      const sources = logSources(file, { node: flags.node, service: flags.service });
      const write = (text: string): void => void process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
      const offsets = await printLogs(sources, flags.lines, write);
      if (flags.follow !== true) return;
      const controller = new AbortController();
      const stop = (): void => { controller.abort(); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await followLogs(sources, offsets, (text) => void process.stdout.write(text), controller.signal);
    });

  cluster
    .command('generate')
    .description('Write the docker-compose deployment: docker-compose.cluster.yml, haproxy.cfg, each node\'s restate TOML, a Dockerfile and .env.docker.example.')
    .option('--nodes <n>', 'restate-server nodes', positiveInteger)
    .option('--services <n>', '`classify serve` processes', positiveInteger)
    .option('--preset <name>', 'a size the operators know: 10 (5 nodes, 10 services), 20 (5, 20), mega (10, 20)')
    .option('--port-base <n>', 'shift every published port by n', positiveInteger)
    .option('--out <dir>', 'where to write the files', 'deploy/cluster')
    .action(async (flags: { nodes?: number; services?: number; preset?: string; portBase?: number; out: string }) => {
      const out = resolve(flags.out);
      const written = await writeDeployment(out, flags);
      const t = written.topology;
      process.stdout.write(
        [
          `wrote ${written.files.length} files to ${out}${written.preset === undefined ? '' : ` (preset ${written.preset})`}: ${t.nodes.length} Restate nodes, ${t.services.length} services`,
          ...written.files.map((file) => `  ${file}`),
          `ingress: ${t.nodes.map((node) => node.ports.ingress).join(', ')} (127.0.0.1); admin: ${t.nodes.map((node) => node.ports.admin).join(', ')} (127.0.0.1); load balancer: ${t.loadBalancer.port}`,
          'next:',
          `  cp ${out}/.env.docker.example ${out}/.env   # and fill it in`,
          `  npm pack --pack-destination ${out} && mv ${out}/classify-*.tgz ${out}/classify.tgz`,
          `  docker compose -f ${out}/docker-compose.cluster.yml up -d --build`,
          `  curl -sf -X POST http://127.0.0.1:${t.nodes[0]?.ports.admin ?? 9070}/deployments -H 'content-type: application/json' -d '{"uri":"${loadBalancerUrl(t)}"}'`,
          '',
        ].join('\n'),
      );
    });
}

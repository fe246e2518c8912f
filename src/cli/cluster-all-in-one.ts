/**
 * `classify all-in-one`: the native cluster up (or what of it is down), a run through it, the report
 * with each node's and service's share and each process's memory, and the cluster left up (--down
 * stops it).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { clusterClient } from '../cluster/client-env.js';
import { readClusterFile, type ClusterFile } from '../cluster/cluster-file.js';
import { clusterDown } from '../cluster/down.js';
import { clusterPaths } from '../cluster/paths.js';
import { clusterStatus, formatClusterStatus } from '../cluster/status.js';
import { clusterUp } from '../cluster/up.js';
import { consoleProgress } from '../runner/progress.js';
import { DEFAULT_MAX_IN_FLIGHT, runCatalog } from '../runner/run.js';
import { formatReport } from '../runner/summary.js';
import { addClusterSizeOptions, clusterDataDir, clusterSize, type ClusterSizeFlags } from './cluster-options.js';
import { onInterrupt } from './interrupt.js';
import { positiveInteger } from './options.js';

interface AllInOneFlags extends ClusterSizeFlags {
  ipm?: number;
  rpm?: number;
  force?: boolean;
  catalog?: string;
  down?: boolean;
  report?: string;
  maxInFlight: number;
  stallTimeout: number;
}

export interface ProcessMemory {
  readonly name: string;
  readonly pid: number;
  readonly rss_mib: number;
  /** The kernel's own peak (VmHWM) since the process started. */
  readonly peak_rss_mib: number;
}

async function memoryOf(name: string, pid: number | null): Promise<ProcessMemory | null> {
  if (pid === null) return null;
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { name, pid, rss_mib: Math.round(kib('VmRSS') / 1024), peak_rss_mib: Math.round(kib('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** RSS per process of the cluster (Linux /proc; elsewhere none). */
export async function clusterMemory(file: ClusterFile): Promise<ProcessMemory[]> {
  const all = await Promise.all([
    ...file.nodes.map((node) => memoryOf(`node-${node.index}`, node.pid)),
    ...file.services.map((service) => memoryOf(`service-${service.index}`, service.pid)),
    memoryOf('haproxy', file.load_balancer.pid),
    memoryOf('s3rver', file.object_store.pid),
    memoryOf('database', file.database.kind === 'embedded' ? file.database.pid : null),
  ]);
  return all.filter((item) => item !== null);
}

export function registerAllInOne(program: Command): void {
  addClusterSizeOptions(program.command('all-in-one'))
    .description('Bring the native cluster up, classify through it, report (shares per node and service, RSS per process), and leave it up (--down stops it).')
    .option('--ipm <n>', 'target pace: indicators submitted per minute', positiveInteger)
    .option('--rpm <n>', 'LLM requests per minute, shared by every service', positiveInteger)
    .option('--force', 're-classify every indicator, even those already classified')
    .option('--catalog <file>', 'import this catalog first')
    .option('--report <file>', 'also write the report (JSON) here')
    .option('--max-in-flight <n>', 'at most n indicators submitted and not yet finished', positiveInteger, DEFAULT_MAX_IN_FLIGHT)
    .option('--stall-timeout <seconds>', 'stop when nothing finished for this long', positiveInteger, 300)
    .option('--down', 'stop the cluster at the end')
    .action(async (flags: AllInOneFlags) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const dir = clusterDataDir(flags);
      await clusterUp({ dataDir: dir, ...clusterSize(flags), portBase: flags.portBase, env: process.env, log, skipFitCheck: !flags.fitCheck });
      const before = await clusterStatus(dir, process.env);
      if (before !== null) log(formatClusterStatus(before).trimEnd());
      if (before?.healthy !== true) throw new Error('the cluster is not healthy: see above and `classify cluster logs`');
      const client = await clusterClient(dir, process.env);
      if (client === null) throw new Error('RESTATE_INGRESS_URL / RESTATE_ADMIN_URL are set: all-in-one runs on its own cluster; unset them');
      log(`engine: ${client.described}`);
      const interrupt = onInterrupt('the run', log);
      const report = await runCatalog({
        dataDir: dir,
        env: client.env,
        catalog: flags.catalog,
        force: flags.force === true,
        ipm: flags.ipm,
        rpm: flags.rpm,
        endpointUrl: client.endpointUrl,
        maxInFlight: flags.maxInFlight,
        stallTimeoutMs: flags.stallTimeout * 1000,
        progress: consoleProgress(),
        log,
        signal: interrupt.signal,
      }).finally(interrupt.dispose);
      const file = await readClusterFile(clusterPaths(dir).file);
      const memory = file === null ? [] : await clusterMemory(file);
      const full = { ...report, cluster: { nodes: file?.nodes.length ?? 0, services: file?.services.length ?? 0, process_memory: memory } };
      const json = `${JSON.stringify(full, null, 2)}\n`;
      for (const path of [join(dir, 'reports', `${report.run_id}.json`), flags.report]) {
        if (path === undefined) continue;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, json);
      }
      process.stdout.write(`${formatReport(report)}\n`);
      if (memory.length > 0) {
        process.stdout.write(`RSS per process (MiB, now / peak): ${memory.map((item) => `${item.name} ${item.rss_mib}/${item.peak_rss_mib}`).join(', ')}\n`);
      }
      if (flags.down === true) {
        const down = await clusterDown({ dataDir: dir, env: process.env, log });
        process.stdout.write(`cluster stopped (--down): ${down.stopped.length} processes\n`);
      } else {
        process.stdout.write(`the cluster stays up: \`classify cluster status\`, \`classify cluster down\`${flags.dataDir === undefined ? '' : ` --data-dir ${dir}`}\n`);
      }
      if (report.status !== 'completed') process.exitCode = 1;
      if (interrupt.signal.aborted) process.exitCode = interrupt.exitCode();
    });
}

/**
 * `classify all-in-one`: the native cluster up (or what of it is down), a run through it, the report
 * with each node's and service's share and each process's memory, and the cluster left up (--down
 * stops it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { clusterClient } from '../cluster/client-env.js';
import { readClusterFile, type ClusterFile } from '../cluster/cluster-file.js';
import { clusterDown } from '../cluster/down.js';
import { clusterPaths } from '../cluster/paths.js';
import { clusterStatus, formatClusterStatus } from '../cluster/status.js';
import { clusterUp } from '../cluster/up.js';
import { consoleProgress } from '../runner/progress.js';
import { runCatalog } from '../runner/run.js';
import { formatReport } from '../runner/summary.js';
import { addClusterSizeOptions, clusterDataDir, clusterSize, type ClusterSizeFlags } from './cluster-options.js';
import { onInterrupt } from './interrupt.js';
import { addRunOptions, runExitCode, runOptionsFrom, writeReport, type RunFlags } from './run-options.js';

interface AllInOneFlags extends ClusterSizeFlags, RunFlags {
  down?: boolean;
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
  addRunOptions(addClusterSizeOptions(program.command('all-in-one')))
    .description('Bring the native cluster up, classify through it, report (shares per node and service, RSS per process), and leave it up (--down stops it).')
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
        ...runOptionsFrom(flags),
        dataDir: dir,
        env: client.env,
        endpointUrl: client.endpointUrl,
        progress: consoleProgress(),
        log,
        signal: interrupt.signal,
      }).finally(interrupt.dispose);
      const file = await readClusterFile(clusterPaths(dir).file);
      const memory = file === null ? [] : await clusterMemory(file);
      const full = { ...report, cluster: { nodes: file?.nodes.length ?? 0, services: file?.services.length ?? 0, process_memory: memory } };
      await writeReport(full, [join(dir, 'reports', `${report.run_id}.json`), flags.report]);
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
      process.exitCode = interrupt.signal.aborted ? interrupt.exitCode() : runExitCode(report, flags, log);
    });
}

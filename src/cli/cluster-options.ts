/** Options shared by `classify cluster up` and `classify all-in-one`. */
import { InvalidArgumentError, type Command } from 'commander';
import { resolve } from 'node:path';
import { dataDir } from '../config.js';
import { isPresetName, PRESETS } from '../cluster/plan.js';
import { positiveInteger } from './options.js';

export interface ClusterSizeFlags {
  nodes?: number;
  services?: number;
  preset?: string;
  portBase?: number;
  portStride?: number;
  dataDir?: string;
  fitCheck: boolean;
}

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 60_000) throw new InvalidArgumentError('must be a whole number from 0 to 60000');
  return parsed;
}

export function addClusterSizeOptions(command: Command): Command {
  return command
    .option('--nodes <n>', 'restate-server nodes (a new cluster)', positiveInteger)
    .option('--services <n>', '`classify serve` processes behind the load balancer (a new cluster)', positiveInteger)
    .option('--preset <name>', `a size the operators know: ${Object.entries(PRESETS).map(([name, size]) => `${name} (${size.nodes} nodes, ${size.services} services)`).join(', ')}`)
    .option('--port-base <n>', 'shift every port by n (node i: ingress 8080, admin 9070, node 5122, + (i-1)·stride + n)', wholeNumber)
    .option('--port-stride <n>', 'port distance between nodes (default 10000; mega: 1000)', positiveInteger)
    .option('--data-dir <dir>', 'the data directory (default: $CLASSIFY_DATA_DIR or ./.classify); the cluster lives in <dir>/cluster')
    .option('--no-fit-check', 'start it even when the estimate says it does not fit this machine');
}

/** The size asked for: a preset, or --nodes/--services; nothing for an existing cluster (it keeps its own). */
export function clusterSize(flags: ClusterSizeFlags): { nodes?: number; services?: number; portStride?: number } {
  if (flags.preset === undefined) return { ...(flags.nodes === undefined ? {} : { nodes: flags.nodes }), ...(flags.services === undefined ? {} : { services: flags.services }), ...(flags.portStride === undefined ? {} : { portStride: flags.portStride }) };
  if (!isPresetName(flags.preset)) throw new Error(`unknown preset ${JSON.stringify(flags.preset)}: one of ${Object.keys(PRESETS).join(', ')}`);
  if (flags.nodes !== undefined || flags.services !== undefined) throw new Error('--preset sets the nodes and services: leave out --nodes and --services');
  const preset = PRESETS[flags.preset];
  return { nodes: preset.nodes, services: preset.services, portStride: flags.portStride ?? ('portStride' in preset ? preset.portStride : undefined) ?? 10_000 };
}

export function clusterDataDir(flags: { dataDir?: string }): string {
  return flags.dataDir === undefined ? dataDir() : resolve(flags.dataDir);
}

/**
 * Does a cluster fit this machine? A cluster too big for it does not fail, it thrashes: nodes miss
 * their heartbeats, leadership flaps and every run stalls. So `cluster up` estimates first and says
 * so instead. The per-process figures are this project's measurements on its 2-core development
 * machine (CLUSTER.md, "Sizing"), rounded up.
 */
import { cpus, freemem } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Topology } from './topology.js';

/** RSS beyond RocksDB's budget per restate-server node under load. */
const NODE_OVERHEAD_MIB = 300;
const SERVICE_MIB = 250;
const EMBEDDED_DATABASE_MIB = 450;
const BALANCER_AND_STORE_MIB = 150;
/** Each node wants most of a core under load; beyond this many per core they starve each other. */
const NODES_PER_CORE = 2;
/** Services are lighter (they mostly wait on the database and the LLM). */
const PROCESSES_PER_CORE = 6;

export interface FitEstimate {
  readonly rssMiB: number;
  readonly availableMiB: number;
  readonly cores: number;
  /** Why it does not fit; empty when it does. */
  readonly problems: string[];
}

/** MemAvailable (what can be used without swapping), else the free memory Node reports. */
function availableMiB(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match?.[1] !== undefined) return Math.floor(Number(match[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.floor(freemem() / 1024 / 1024);
}

export function estimateFit(topology: Topology, machine: { availableMiB: number; cores: number } = { availableMiB: availableMiB(), cores: cpus().length }): FitEstimate {
  const nodes = topology.nodes.length;
  const services = topology.services.length;
  const rssMiB = nodes * (topology.rocksdbMemoryMiB + NODE_OVERHEAD_MIB) + services * SERVICE_MIB + (topology.database.kind === 'embedded' ? EMBEDDED_DATABASE_MIB : 0) + BALANCER_AND_STORE_MIB;
  const problems: string[] = [];
  if (rssMiB > machine.availableMiB * 0.8) {
    problems.push(`an estimated ${rssMiB} MiB RSS (${nodes} nodes × ${topology.rocksdbMemoryMiB + NODE_OVERHEAD_MIB}, ${services} services × ${SERVICE_MIB}, database, balancer, store) is more than 80% of the ${machine.availableMiB} MiB available`);
  }
  if (nodes > machine.cores * NODES_PER_CORE) problems.push(`${nodes} restate-server nodes on ${machine.cores} cores (at most ${machine.cores * NODES_PER_CORE} fit: ${NODES_PER_CORE} per core)`);
  if (nodes + services > machine.cores * PROCESSES_PER_CORE) problems.push(`${nodes + services} nodes and services on ${machine.cores} cores (at most ${machine.cores * PROCESSES_PER_CORE}: ${PROCESSES_PER_CORE} per core)`);
  return { rssMiB, availableMiB: machine.availableMiB, cores: machine.cores, problems };
}

/** Throws one clear error when the cluster would not fit. */
export function checkFit(topology: Topology): void {
  const fit = estimateFit(topology);
  if (fit.problems.length > 0) {
    throw new Error(
      `a cluster of ${topology.nodes.length} nodes and ${topology.services.length} services does not fit this machine: ${fit.problems.join('; ')}. Use fewer nodes or services (e.g. --nodes 3 --services 2), run it as the docker-compose deployment on a bigger machine (\`classify cluster generate\`), or pass --no-fit-check to start it anyway`,
    );
  }
}

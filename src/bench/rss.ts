/**
 * Resident memory of the processes a phase runs, read from /proc/<pid>/status while it runs
 * (Linux only; elsewhere nothing is sampled and the report says null). VmRSS is polled, because the
 * kernel's high-water mark (VmHWM) of a long-lived process includes its start-up: the database
 * daemon's creation of a fresh PGlite database (its WebAssembly initdb) peaks far above its steady use.
 * Both are reported.
 */
import { readFile } from 'node:fs/promises';
import { round } from './machine.js';

export const PROCESS_ROLES = ['engine', 'endpoint', 'database', 'runner', 'simulator'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The parts the "whole system" figure adds up: what serves, not what drives. */
const SYSTEM_ROLES: readonly ProcessRole[] = ['engine', 'endpoint', 'database'];

export interface ProcessMemory {
  readonly pid: number;
  /** The most VmRSS seen while the phase ran (MiB). */
  readonly peak_rss_mib: number;
  /** VmHWM at the last sample: the process's peak since it started, start-up included (MiB). */
  readonly hwm_mib: number;
  readonly samples: number;
}

export interface PhaseMemory {
  readonly processes: Partial<Record<ProcessRole, ProcessMemory>>;
  /** The most engine + endpoint + database held at one sample (MiB). */
  readonly system_peak_rss_mib: number | null;
  readonly interval_ms: number;
}

export interface RssSample {
  /** Seconds since the sampler started. */
  readonly t_s: number;
  readonly rss_mib: number;
}

export interface RssSampler {
  watch(role: ProcessRole, pid: number): void;
  /** The runner's VmRSS over time (empty when it was not watched). */
  readonly runnerSeries: readonly RssSample[];
  stop(): Promise<PhaseMemory>;
}

const KIB_PER_MIB = 1024;

interface Tracked {
  pid: number;
  peakKib: number;
  hwmKib: number;
  samples: number;
}

export function startRssSampler(intervalMs: number): RssSampler {
  const tracked = new Map<ProcessRole, Tracked>();
  const runnerSeries: RssSample[] = [];
  const started = Date.now();
  let systemPeakKib = 0;
  let sampling: Promise<void> = Promise.resolve();
  const sample = async (): Promise<void> => {
    let system = 0;
    let systemSeen = 0;
    for (const [role, entry] of tracked) {
      const memory = await readMemory(entry.pid);
      if (memory === null) continue;
      entry.peakKib = Math.max(entry.peakKib, memory.rssKib);
      entry.hwmKib = Math.max(entry.hwmKib, memory.hwmKib);
      entry.samples += 1;
      if (SYSTEM_ROLES.includes(role)) {
        system += memory.rssKib;
        systemSeen += 1;
      }
      if (role === 'runner') runnerSeries.push({ t_s: round((Date.now() - started) / 1000, 1), rss_mib: round(memory.rssKib / KIB_PER_MIB, 1) });
    }
    if (systemSeen > 0) systemPeakKib = Math.max(systemPeakKib, system);
  };
  const timer = setInterval(() => {
    // One sample at a time: a slow read (a loaded machine) must not pile them up.
    sampling = sampling.then(sample);
  }, intervalMs);
  return {
    watch(role, pid) {
      tracked.set(role, { pid, peakKib: 0, hwmKib: 0, samples: 0 });
      sampling = sampling.then(sample);
    },
    runnerSeries,
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample();
      const processes: Partial<Record<ProcessRole, ProcessMemory>> = {};
      for (const [role, entry] of tracked) {
        processes[role] = {
          pid: entry.pid,
          peak_rss_mib: round(entry.peakKib / KIB_PER_MIB, 1),
          hwm_mib: round(entry.hwmKib / KIB_PER_MIB, 1),
          samples: entry.samples,
        };
      }
      return { processes, system_peak_rss_mib: systemPeakKib === 0 ? null : round(systemPeakKib / KIB_PER_MIB, 1), interval_ms: intervalMs };
    },
  };
}

/** VmRSS and VmHWM of a live process, in KiB; null once it is gone (or off Linux). */
async function readMemory(pid: number): Promise<{ rssKib: number; hwmKib: number } | null> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  };
  const rss = field('VmRSS');
  // A zombie has no memory lines left.
  if (rss === null) return null;
  return { rssKib: rss, hwmKib: field('VmHWM') ?? rss };
}

/** At most `max` samples, evenly spread (the report keeps a long run's series readable). */
export function thin<T>(series: readonly T[], max: number): T[] {
  if (series.length <= max) return [...series];
  const step = (series.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => series[Math.round(i * step)]).filter((item): item is T => item !== undefined);
}

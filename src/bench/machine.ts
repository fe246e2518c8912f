/** The machine a bench ran on, so that its figures can be compared with another's. */
import { cpus, freemem, loadavg, release, totalmem, type as osType, arch } from 'node:os';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  readonly free_memory_gib_at_start: number;
  readonly node: string;
  readonly os: string;
  /** 1, 5 and 15-minute load averages when the bench started: others' work on the machine shows here. */
  readonly load_average_at_start: readonly number[];
  readonly restate_server: string;
}

const GIB = 1024 ** 3;

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory_gib: round(totalmem() / GIB, 1),
    free_memory_gib_at_start: round(freemem() / GIB, 1),
    node: process.version,
    os: `${osType()} ${release()} ${arch()}`,
    load_average_at_start: loadAverage(),
    restate_server: restateServerVersion(),
  };
}

/** The npm package's version: the binary the engine runs comes from it. */
function restateServerVersion(): string {
  try {
    const path = createRequire(import.meta.url).resolve('@restatedev/restate-server/package.json');
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** 1, 5 and 15-minute load averages, rounded. */
export function loadAverage(): number[] {
  return loadavg().map((value) => round(value, 2));
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** engine.json: which restate-server runs for a data directory, and whether a pid is really it. */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { enginePaths } from './paths.js';

export const EngineStateSchema = z.object({
  pid: z.number().int().positive(),
  ingressUrl: z.string(),
  adminUrl: z.string(),
  nodePort: z.number().int(),
  startedAt: z.string(),
  /**
   * The process the engine belongs to (a `classify run` that started it for itself); absent for one
   * started to stay up (`classify engine start`). An owner that is gone left an orphan behind.
   */
  owner: z.number().int().positive().optional(),
});

export type EngineState = z.infer<typeof EngineStateSchema>;

/** The recorded engine, or null when there is none (or the file is unreadable: treated as stale). */
export async function readEngineState(dataDir: string): Promise<EngineState | null> {
  let text: string;
  try {
    text = await readFile(enginePaths(dataDir).state, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = EngineStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeEngineState(dataDir: string, state: EngineState): Promise<void> {
  await writeFile(enginePaths(dataDir).state, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes engine.json; when `pid` is given, only if it still records that pid. */
export async function removeEngineState(dataDir: string, pid?: number): Promise<void> {
  if (pid !== undefined) {
    const state = await readEngineState(dataDir);
    if (state !== null && state.pid !== pid) return;
  }
  await rm(enginePaths(dataDir).state, { force: true });
}

/**
 * Whether the process exists and has not finished exiting. A killed multi-threaded process shows its
 * main thread as a zombie while other threads still exit and hold its files (RocksDB's LOCK among
 * them), so a zombie counts as gone only once it is its last thread.
 */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, it just is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== 'Z' && state !== 'X') return true;
    return (await readdir(`/proc/${pid}/task`)).length > 1;
  } catch {
    return false;
  }
}

export interface ProcessInfo {
  /** The executable (argv[0] on Linux, `ps -o comm` elsewhere). */
  executable: string;
  /** The whole command line, arguments joined by spaces. */
  line: string;
}

export async function processInfo(pid: number): Promise<ProcessInfo | null> {
  if (process.platform === 'linux') {
    try {
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg !== '');
      return args[0] === undefined ? null : { executable: args[0], line: args.join(' ') };
    } catch {
      return null;
    }
  }
  try {
    const ps = promisify(execFile);
    const [{ stdout: executable }, { stdout: line }] = await Promise.all([
      ps('ps', ['-p', String(pid), '-o', 'comm=']),
      ps('ps', ['-p', String(pid), '-o', 'command=']),
    ]);
    return executable.trim() === '' ? null : { executable: executable.trim(), line: line.trim() };
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is the restate-server of this data directory: a live process whose executable is
 * restate-server and whose command line names our config file. Guards `stop` against a pid the OS
 * has reused for another process.
 */
export async function isOurEngine(pid: number, dataDir: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  const info = await processInfo(pid);
  if (info === null) return false;
  return basename(info.executable) === 'restate-server' && info.line.includes(enginePaths(dataDir).config);
}

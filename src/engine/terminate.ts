/** Ending a process: SIGTERM, a bounded wait, then SIGKILL. */
import { isAlive } from './state.js';

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

export interface TerminateOptions {
  /** How long a graceful shutdown may take before SIGKILL; default 30 s (the server's own limit is 20 s). */
  graceMs?: number;
}

/** Resolves once the process is gone; throws only if it survives SIGKILL. */
export async function terminate(pid: number, options: TerminateOptions = {}): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, options.graceMs ?? 30_000)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`process ${pid} did not exit after SIGKILL`);
}

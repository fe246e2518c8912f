/**
 * The `classify` child processes a bench phase starts (llm-sim, serve, run, and the bare workflow's
 * endpoint and driver): the built CLI of this very install, each with its output appended to a log
 * file of the phase, stopped by pid with SIGTERM (then SIGKILL) so each closes what it hosts.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { terminate } from '../engine/terminate.js';

/** dist/cli/main.js, beside this module's dist/bench/. */
export const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ClassifyChild {
  readonly pid: number;
  readonly name: string;
  readonly exited: Promise<ChildExit>;
  /** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, a grace period, SIGKILL; nothing when it already exited. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Its stdout and stderr are appended here. */
  readonly logFile: string;
  /** Each line of stderr (a run's progress lines), for the bench's own output. */
  readonly onStderrLine?: ((line: string) => void) | undefined;
}

export function spawnClassify(options: SpawnOptions): ClassifyChild {
  const child = spawn(process.execPath, [CLI_MAIN, ...options.args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`classify ${options.args.join(' ')}: could not be started`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let stdout = '';
  let stderrRest = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    log.write(text);
    // Only the start of the output is searched for an address; a run's stdout is its short summary.
    if (stdout.length < 64 * 1024) stdout += text;
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    log.write(text);
    const lines = (stderrRest + text).split('\n');
    stderrRest = lines.pop() ?? '';
    for (const line of lines) options.onStderrLine?.(line);
  });
  let exitState: ChildExit | null = null;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('close', (code, signal) => {
      exitState = { code, signal };
      log.end();
      for (const wake of waiters) wake();
      resolve(exitState);
    });
  });
  return {
    pid,
    name: options.name,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          finish(new Error(`${options.name}: no ${String(pattern)} in its output after ${timeoutMs / 1000} s (log: ${options.logFile})`));
        }, timeoutMs);
        const check = (): void => {
          const match = pattern.exec(stdout);
          if (match !== null) finish(match);
          else if (exitState !== null) finish(new Error(`${options.name} exited (${exitState.signal ?? `code ${exitState.code ?? '?'}`}) before it was ready (log: ${options.logFile})`));
        };
        const finish = (outcome: RegExpExecArray | Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exitState !== null) return;
      await terminate(pid, { graceMs: 15_000 });
      await exited;
    },
  };
}

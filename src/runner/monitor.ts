/**
 * The run's watch: polls completions, shows progress, and stops the run when it stops moving —
 * whatever the cause. Moving means an indicator finished or an LLM request of the run was made
 * (a rate-limited LLM is slow, not stuck); while nothing is pending or being sent (a paced run
 * between submissions) there is nothing to wait for, so the clock does not run.
 */
import type { LlmProgress } from '../db/llm.js';
import type { Completions } from './completions.js';
import type { Progress, ProgressState } from './progress.js';
import { sleep } from './sleep.js';

export interface MonitorOptions {
  readonly completions: Completions;
  /** Sends not yet answered by the engine. */
  readonly sending: () => number;
  /** The run's state for the progress display, given its LLM use so far. */
  readonly state: (llm: LlmProgress | null) => ProgressState;
  readonly progress: Progress;
  /** The run's LLM use so far: its attempts grow while it works without finishing anything. */
  readonly llm: () => Promise<LlmProgress>;
  readonly pollMs: number;
  readonly stallTimeoutMs: number;
  /** Nothing moved for stallTimeoutMs: find out why and stop the run (called once). */
  readonly onStall: (idleMs: number, lastError: string | null) => Promise<void>;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  /** After each successful poll, with the run's LLM use so far (the --rpm pace corrects itself here). */
  readonly onPoll?: ((llm: LlmProgress) => void) | undefined;
  readonly now?: () => number;
}

export interface Monitor {
  /** Resolves once nothing submitted is pending or being sent, or the run stops. */
  drained(): Promise<void>;
  /** Stops polling (after a last progress update). */
  close(): Promise<void>;
}

export function startMonitor(options: MonitorOptions): Monitor {
  const now = options.now ?? Date.now;
  const { completions } = options;
  let lastMoveAt = now();
  let lastActivity = -1;
  let llm: LlmProgress | null = null;
  let lastError: string | null = null;
  let stalled = false;
  // An object, not a let: TypeScript would narrow a boolean across the awaits in between.
  const closing = { requested: false };
  const waiting = (): boolean => completions.pending + options.sending() > 0;

  const pollOnce = async (): Promise<void> => {
    try {
      const finished = await completions.poll();
      llm = await options.llm();
      if (finished > 0 || llm.attempts !== lastActivity || !waiting()) lastMoveAt = now();
      lastActivity = llm.attempts;
      options.onPoll?.(llm);
      if (lastError !== null) options.log(`database answers again (${lastError})`);
      lastError = null;
    } catch (error) {
      // The database is down or slow: no progress can be seen, which the stall clock measures.
      const message = error instanceof Error ? error.message : String(error);
      if (lastError === null) options.log(`progress: the database does not answer (${message}); retrying`);
      lastError = message;
    }
    options.progress.update(options.state(llm));
    if (!stalled && now() - lastMoveAt > options.stallTimeoutMs) {
      stalled = true;
      await options.onStall(now() - lastMoveAt, lastError);
    }
  };

  const loop = (async () => {
    while (!closing.requested && !options.signal.aborted) {
      await pollOnce();
      await sleep(options.pollMs, options.signal);
    }
  })();

  return {
    async drained() {
      while (waiting() && !options.signal.aborted) await sleep(options.pollMs, options.signal);
    },
    async close() {
      closing.requested = true;
      await loop;
      // One last look, so the report and the last progress line agree.
      if (!stalled) {
        await completions.poll().catch(() => 0);
      }
      options.progress.update(options.state(llm));
    },
  };
}

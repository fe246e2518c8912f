/**
 * Bounds how many indicators are submitted and not yet finished. Every running workflow is held by
 * the engine and by the service endpoint (its journal, its stream), so a run that submits a whole
 * catalog at once grows its memory with the catalog; with a window it stays flat.
 */
import { sleep } from './sleep.js';

export interface SubmissionWindow {
  /** Resolves when one more indicator may be submitted. */
  room(): Promise<void>;
}

export interface WindowOptions {
  /** At most this many submitted and unfinished. */
  readonly max: number;
  /** How many are submitted and unfinished now (asked only when the window looks full). */
  readonly outstanding: () => Promise<number>;
  readonly pollMs: number;
  /**
   * When nothing finishes for this long, the window stops holding submissions back: it bounds
   * memory, it must not hang a run (the wait that follows reports the stall).
   */
  readonly stallTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => number;
}

export function submissionWindow(options: WindowOptions): SubmissionWindow {
  const now = options.now ?? Date.now;
  // Outstanding at the last check, plus those let through since: never below the truth.
  let known = 0;
  let stalled = false;
  return {
    async room() {
      let lastChange = now();
      while (!stalled && known >= options.max && options.signal?.aborted !== true) {
        const outstanding = await options.outstanding();
        if (outstanding < known) lastChange = now();
        known = outstanding;
        if (known < options.max) break;
        if (now() - lastChange > options.stallTimeoutMs) stalled = true;
        else await sleep(options.pollMs, options.signal);
      }
      known += 1;
    },
  };
}

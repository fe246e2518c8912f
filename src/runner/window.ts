/**
 * Bounds how many indicators are submitted and not yet finished. Every running workflow is held by
 * the engine and by the service endpoint (its journal, its stream), so a run that submits a whole
 * catalog at once grows its memory with the catalog; with a window it stays flat.
 */
import { sleep } from './sleep.js';

export interface SubmissionWindow {
  /** Resolves when one more indicator may be submitted, or when the run stops (`signal`). */
  room(): Promise<void>;
}

export interface WindowOptions {
  /** At most this many submitted and unfinished. */
  readonly max: number;
  /**
   * How many are submitted (or being submitted) and unfinished now: a count the run keeps up to
   * date from its completion polls, so waiting here asks no database.
   */
  readonly outstanding: () => number;
  readonly pollMs: number;
  /**
   * The run stopping (interrupted, stalled): the window lets everything through at once. It never
   * decides on its own that a run is stuck: the run's stall watch does, and aborts this.
   */
  readonly signal?: AbortSignal | undefined;
}

export function submissionWindow(options: WindowOptions): SubmissionWindow {
  return {
    async room() {
      while (options.outstanding() >= options.max && options.signal?.aborted !== true) {
        await sleep(options.pollMs, options.signal);
      }
    },
  };
}

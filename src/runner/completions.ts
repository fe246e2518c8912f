/**
 * Tracks the run's submitted workflows until each has finished. Only keys still pending are asked
 * about, so a poll stays as small as the in-flight window whatever the catalog's size, and the
 * counts only grow: a finished key leaves the pending set for good. Each completion's save time is
 * kept (and its latency from submission) for the report's throughput and latency figures.
 */
import type { Finished } from '../db/progress.js';

export interface Completions {
  /** A key the engine accepted (or already knew) at `submittedAt` (ms): pending until it finishes. */
  add(key: string, submittedAt: number): void;
  readonly completed: number;
  readonly failed: number;
  readonly pending: number;
  /** Keys that finished failed (for the failure reasons of the report). */
  readonly failedKeys: readonly string[];
  /**
   * Save times (ms) of the completions this run caused, and their latencies from submission; a key
   * saved before it was submitted (one an earlier run finished) is counted but not timed.
   */
  readonly savedAt: readonly number[];
  readonly latencies: readonly number[];
  /** Asks about the pending keys; returns how many finished since the last poll. */
  poll(): Promise<number>;
}

/** Which of these keys have finished, and how (src/db/progress.ts finishedKeys). */
export type FinishedLookup = (keys: readonly string[]) => Promise<Map<string, Finished>>;

export function trackCompletions(lookup: FinishedLookup): Completions {
  const pending = new Map<string, number>();
  const failedKeys: string[] = [];
  const savedAt: number[] = [];
  const latencies: number[] = [];
  let completed = 0;
  return {
    add: (key, submittedAt) => {
      pending.set(key, submittedAt);
    },
    get completed() {
      return completed;
    },
    get failed() {
      return failedKeys.length;
    },
    get pending() {
      return pending.size;
    },
    failedKeys,
    savedAt,
    latencies,
    async poll() {
      if (pending.size === 0) return 0;
      let newly = 0;
      for (const [key, finished] of await lookup([...pending.keys()])) {
        const submittedAt = pending.get(key);
        if (submittedAt === undefined) continue;
        pending.delete(key);
        newly += 1;
        if (finished.outcome === 'failed') {
          failedKeys.push(key);
          continue;
        }
        completed += 1;
        const saved = finished.savedAt?.getTime();
        if (saved !== undefined && saved >= submittedAt) {
          savedAt.push(saved);
          latencies.push(saved - submittedAt);
        }
      }
      return newly;
    },
  };
}

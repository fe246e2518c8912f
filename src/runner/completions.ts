/**
 * Tracks the run's submitted workflows until each has finished. Only keys still pending are asked
 * about, so a poll stays as small as the in-flight window whatever the catalog's size, and the
 * counts only grow: a finished key leaves the pending set for good.
 */
import type { FinishedOutcome } from '../db/progress.js';

export interface Completions {
  /** A key the engine accepted (or already knew): it is pending until it finishes. */
  add(key: string): void;
  readonly completed: number;
  readonly failed: number;
  readonly pending: number;
  /** Keys that finished failed (for the failure reasons of the report). */
  readonly failedKeys: readonly string[];
  /** Asks about the pending keys; returns how many finished since the last poll. */
  poll(): Promise<number>;
}

/** Which of these keys have finished, and how (src/db/progress.ts finishedKeys). */
export type FinishedLookup = (keys: readonly string[]) => Promise<Map<string, FinishedOutcome>>;

export function trackCompletions(lookup: FinishedLookup): Completions {
  const pending = new Set<string>();
  const failedKeys: string[] = [];
  let completed = 0;
  return {
    add: (key) => {
      pending.add(key);
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
    async poll() {
      if (pending.size === 0) return 0;
      let newly = 0;
      for (const [key, outcome] of await lookup([...pending])) {
        if (!pending.delete(key)) continue;
        newly += 1;
        if (outcome === 'completed') completed += 1;
        else failedKeys.push(key);
      }
      return newly;
    },
  };
}

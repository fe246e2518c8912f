/**
 * Tracks the run's submitted workflows until each has finished. A poll reads what the run wrote
 * since the last one (a change feed, src/db/changes.ts), so its cost follows the completion rate,
 * not the catalog. Only keys the engine already knew are asked about by key: their workflow may
 * have been started by an earlier run, and then saves under that run's id, which the feed of this
 * run never shows. Counts only grow: a key is counted when it leaves the pending set, once.
 *
 * Memory: the pending keys (at most the in-flight window), the failed keys (the report's failure
 * reasons), and two numbers per completion (save time, latency); no key is kept once it finished.
 */
import type { Change } from '../db/changes.js';
import type { Finished } from '../db/progress.js';

export interface Completions {
  /**
   * A key the engine accepted at `submittedAt` (ms): pending until it finishes. `known`: the engine
   * already had it (a duplicate), so its workflow may be another run's and is looked up by key.
   */
  add(key: string, submittedAt: number, known?: boolean): void;
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
  /** Reads what changed; returns how many finished since the last poll. */
  poll(): Promise<number>;
}

/** Which of these keys have finished, and how (src/db/progress.ts finishedKeys). */
export type FinishedLookup = (keys: readonly string[]) => Promise<Map<string, Finished>>;

export interface CompletionSources {
  /** The run's rows written since the last call (src/db/changes.ts changeFeed). */
  readonly changes: () => Promise<readonly Change[]>;
  /** By key, for the keys the engine already knew. */
  readonly lookup: FinishedLookup;
  /**
   * Of keys pending a while, those the engine ended as failed with nothing in the database (refused
   * before the handler ran, src/runner/engine-failures.ts); the source records their failure.
   */
  readonly endedInEngine?: FinishedLookup | undefined;
}

/**
 * How long a row whose key is not pending waits for it. The engine can run a workflow to its end
 * before the runner has the answer to its submission (a slow answer, a retried send), so the row
 * is kept until the key is added; a send is answered or given up within the ingress's retry
 * window (60 s) plus one attempt's timeout (30 s). Rows never claimed (a submission the engine
 * refused, a save written again after its key finished) are dropped after this.
 */
export const UNCLAIMED_TTL_MS = 5 * 60_000;

/**
 * Keys pending this long are asked about in the engine (endedInEngine), at most once per this long,
 * the oldest ENGINE_CHECK_KEYS of them: a refused submission is counted within about twice this.
 */
export const ENGINE_CHECK_MS = 10_000;
export const ENGINE_CHECK_KEYS = 200;

export interface TrackOptions {
  readonly now?: () => number;
  readonly unclaimedTtlMs?: number;
  readonly engineCheckMs?: number;
  /** Told each key as it finishes, completed or failed (the follower gate, src/runner/leaders.ts). */
  readonly onFinished?: (key: string) => void;
}

export function trackCompletions(sources: CompletionSources, options: TrackOptions = {}): Completions {
  const now = options.now ?? Date.now;
  const ttl = options.unclaimedTtlMs ?? UNCLAIMED_TTL_MS;
  const engineCheckMs = options.engineCheckMs ?? ENGINE_CHECK_MS;
  let engineCheckedAt = now();
  const pending = new Map<string, number>();
  const known = new Set<string>();
  const unclaimed = new Map<string, { finished: Finished; seenAt: number }>();
  const failedKeys: string[] = [];
  const savedAt: number[] = [];
  const latencies: number[] = [];
  let completed = 0;

  /** The key leaves the pending set and is counted; false when it was not pending (already counted). */
  const finish = (key: string, finished: Finished): boolean => {
    const submittedAt = pending.get(key);
    if (submittedAt === undefined) return false;
    pending.delete(key);
    known.delete(key);
    options.onFinished?.(key);
    if (finished.outcome === 'failed') {
      failedKeys.push(key);
      return true;
    }
    completed += 1;
    const saved = finished.savedAt?.getTime();
    if (saved !== undefined && saved >= submittedAt) {
      savedAt.push(saved);
      latencies.push(saved - submittedAt);
    }
    return true;
  };

  return {
    add: (key, submittedAt, isKnown = false) => {
      pending.set(key, submittedAt);
      if (isKnown) known.add(key);
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
      let newly = 0;
      const at = now();
      for (const [key, { finished, seenAt }] of unclaimed) {
        if (finish(key, finished)) newly += 1;
        else if (at - seenAt <= ttl) continue;
        unclaimed.delete(key);
      }
      for (const change of await sources.changes()) {
        if (finish(change.key, change)) newly += 1;
        else unclaimed.set(change.key, { finished: change, seenAt: at });
      }
      if (known.size > 0) {
        for (const [key, finished] of await sources.lookup([...known])) if (finish(key, finished)) newly += 1;
      }
      if (sources.endedInEngine !== undefined && at - engineCheckedAt >= engineCheckMs) {
        engineCheckedAt = at;
        // Insertion order is submission order: the first keys are the longest pending.
        const overdue: string[] = [];
        for (const [key, submittedAt] of pending) {
          if (overdue.length >= ENGINE_CHECK_KEYS) break;
          if (at - submittedAt >= engineCheckMs) overdue.push(key);
        }
        for (const [key, finished] of await sources.endedInEngine(overdue)) if (finish(key, finished)) newly += 1;
      }
      return newly;
    },
  };
}

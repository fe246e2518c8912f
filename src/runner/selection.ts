/**
 * Which stored indicators a run submits, and under which key: a plain run what has no current
 * classification (less what failed on its current content: its key is spent); --force everything
 * and --retry-failed the failed ones, both under a key new to this run (src/workflow/keys.ts).
 */
import type { Selection } from '../db/indicators.js';

export interface SelectionFlags {
  readonly force: boolean;
  readonly retryFailed?: boolean | undefined;
}

export function runSelection(flags: SelectionFlags): Selection {
  if (flags.force) return { onlyUnclassified: false };
  if (flags.retryFailed === true) return { onlyUnclassified: false, onlyFailed: true };
  return { onlyUnclassified: true };
}

/**
 * Whether the run's keys carry its run id. A failed workflow's key comes back "previously accepted"
 * (with its failure) for the engine's retention window, so a retry needs a new one, as --force does.
 */
export function freshKeys(flags: SelectionFlags): boolean {
  return flags.force || flags.retryFailed === true;
}

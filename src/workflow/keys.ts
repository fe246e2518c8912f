/**
 * Workflow keys. Restate runs a workflow once per key (and keeps its result for the retention
 * window), so the key decides what "the same work" is:
 *
 *   `${id}~${hash16}`           the indicator's id and the first 16 hex digits of its content hash:
 *                               resubmitting unchanged content is a no-op, changed content is new work;
 *   `${id}~${hash16}~${runId}`  with --force: a new key per forced run, so Restate really runs it again
 *                               (the replaced system keyed on the bare id, so --force did nothing for
 *                               the whole retention window).
 *
 * The key stays readable (the id comes first, verbatim) and may contain any character, because ids
 * can: it is NOT URL-safe as is. Whoever puts it in a URL path must `encodeURIComponent` it (the
 * ingress decodes the path segment). It reads unambiguously from the right: the hash is always 16 hex
 * digits, and a run id contains no `~` and is never 16 hex digits itself.
 */
import { contentHash } from '../domain/content-hash.js';
import type { Indicator } from '../domain/indicator.js';

export { contentHash };

/** 64 bits of the hash: plenty to tell two versions of one indicator apart. */
const HASH_DIGITS = 16;
const RUN_ID = /^[A-Za-z0-9._:-]+$/;
const LOOKS_LIKE_HASH = /^[0-9a-f]{16}$/;

export interface WorkflowKeyOptions {
  /** Re-classify even if this content was classified before: the run id makes the key new. */
  readonly force?: { readonly runId: string } | undefined;
}

export interface WorkflowKey {
  readonly key: string;
  /** The full sha256 hex of the indicator's canonical JSON (the database stores it). */
  readonly contentHash: string;
}

export function workflowKey(indicator: Indicator, options: WorkflowKeyOptions = {}): WorkflowKey {
  const hash = contentHash(indicator);
  const base = `${indicator.id}~${hash.slice(0, HASH_DIGITS)}`;
  if (options.force === undefined) return { key: base, contentHash: hash };
  const { runId } = options.force;
  if (!RUN_ID.test(runId) || LOOKS_LIKE_HASH.test(runId)) {
    throw new Error(`run id ${JSON.stringify(runId)} cannot be part of a workflow key (letters, digits, . _ : - only)`);
  }
  return { key: `${base}~${runId}`, contentHash: hash };
}

export interface ParsedWorkflowKey {
  readonly indicatorId: string;
  readonly hash16: string;
  readonly runId: string | null;
}

/** The inverse of `workflowKey`, read from the right (the id may itself contain `~`); null if malformed. */
export function parseWorkflowKey(key: string): ParsedWorkflowKey | null {
  const parts = key.split('~');
  const last = parts.at(-1) ?? '';
  const forced = !LOOKS_LIKE_HASH.test(last);
  const hash16 = forced ? parts.at(-2) : last;
  const idParts = parts.slice(0, forced ? -2 : -1);
  if (hash16 === undefined || !LOOKS_LIKE_HASH.test(hash16) || idParts.length === 0) return null;
  if (forced && !RUN_ID.test(last)) return null;
  const indicatorId = idParts.join('~');
  if (indicatorId === '') return null;
  return { indicatorId, hash16, runId: forced ? last : null };
}

/**
 * Workflow keys. Restate runs a workflow once per key (and keeps its result for the retention
 * window), so the key decides what "the same work" is:
 *
 *   `${id}~${hash16}~${policy}`           the indicator's id, the first 16 hex digits of its content
 *                                         hash and the run's policy tag (src/workflow/policy-tag.ts):
 *                                         resubmitting unchanged content under the same mode, model and
 *                                         prompt is a no-op; changed content or a changed policy is new work;
 *   `${id}~${hash16}~${policy}~${runId}`  with --force (and --retry-failed): a new key per run, so
 *                                         Restate really runs it again (the replaced system keyed on the
 *                                         bare id, so --force did nothing for the whole retention window).
 *
 * Keys written before the policy tag lack it (`${id}~${hash16}`, `${id}~${hash16}~${runId}`): they
 * still parse (policy null), and their classifications count as of no current policy.
 *
 * The key stays readable (the id comes first, verbatim) and may contain any character, because ids
 * can: it is NOT URL-safe as is. Whoever puts it in a URL path must `encodeURIComponent` it (the
 * ingress decodes the path segment). It reads unambiguously from the right: the hash is always 16 hex
 * digits, the policy tag `p` and 10 hex digits, and a run id contains no `~` and looks like neither.
 */
import { contentHash } from '../domain/content-hash.js';
import type { Indicator } from '../domain/indicator.js';
import { POLICY_TAG } from './policy-tag.js';

export { contentHash };

/** 64 bits of the hash: plenty to tell two versions of one indicator apart. */
const HASH_DIGITS = 16;
const RUN_ID = /^[A-Za-z0-9._:-]+$/;
const LOOKS_LIKE_HASH = /^[0-9a-f]{16}$/;

export interface WorkflowKeyOptions {
  /** The run's policy tag (policyTag()); absent only in tests of the older key form. */
  readonly policy?: string | undefined;
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
  let base = `${indicator.id}~${hash.slice(0, HASH_DIGITS)}`;
  if (options.policy !== undefined) {
    if (!POLICY_TAG.test(options.policy)) throw new Error(`policy tag ${JSON.stringify(options.policy)} is not p and 10 hex digits`);
    base += `~${options.policy}`;
  }
  if (options.force === undefined) return { key: base, contentHash: hash };
  const { runId } = options.force;
  if (!RUN_ID.test(runId) || LOOKS_LIKE_HASH.test(runId) || POLICY_TAG.test(runId)) {
    throw new Error(`run id ${JSON.stringify(runId)} cannot be part of a workflow key (letters, digits, . _ : - only)`);
  }
  return { key: `${base}~${runId}`, contentHash: hash };
}

export interface ParsedWorkflowKey {
  readonly indicatorId: string;
  readonly hash16: string;
  /** The policy tag; null in keys written before it was part of them. */
  readonly policy: string | null;
  readonly runId: string | null;
}

/** The inverse of `workflowKey`, read from the right (the id may itself contain `~`); null if malformed. */
export function parseWorkflowKey(key: string): ParsedWorkflowKey | null {
  const parts = key.split('~');
  let end = parts.length;
  const at = (index: number): string => parts[index] ?? '';
  let runId: string | null = null;
  let policy: string | null = null;
  if (!LOOKS_LIKE_HASH.test(at(end - 1)) && !POLICY_TAG.test(at(end - 1))) {
    runId = at(end - 1);
    if (!RUN_ID.test(runId)) return null;
    end -= 1;
  }
  if (POLICY_TAG.test(at(end - 1)) && LOOKS_LIKE_HASH.test(at(end - 2))) {
    policy = at(end - 1);
    end -= 1;
  }
  const hash16 = at(end - 1);
  if (!LOOKS_LIKE_HASH.test(hash16) || end < 2) return null;
  const indicatorId = parts.slice(0, end - 1).join('~');
  if (indicatorId === '') return null;
  return { indicatorId, hash16, policy, runId };
}

/** The policy tag a key carries (null: a key of the older form, or not a workflow key). */
export function policyOfKey(key: string): string | null {
  return parseWorkflowKey(key)?.policy ?? null;
}

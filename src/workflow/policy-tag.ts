/**
 * The classification policy of a run, as a short tag in every workflow key (src/workflow/keys.ts)
 * and on every classification row (`classifications.policy`): what decides the answers, and nothing
 * else. A plain run re-classifies what was classified under another tag, so a change of mode,
 * confidence threshold, model or prompt version needs no --force, and the same settings again
 * submit nothing.
 *
 * - rules:  the mode alone (no LLM is asked: its model and prompt change nothing).
 * - llm:    the mode, provider, model and prompt version.
 * - hybrid: the same and the threshold (it decides which fields are asked).
 *
 * Not in it: pacing and caps (--ipm, --rpm, --tpm), batch size, anything that changes how fast, not
 * what. Nor the rules' own code: a new release of the rules is re-applied with --force.
 */
import { createHash } from 'node:crypto';
import type { RunMode } from '../llm/plan.js';

/** `p` and 10 hex digits (40 bits): distinct from the 16-digit content hash and from run ids. */
export const POLICY_TAG = /^p[0-9a-f]{10}$/;

export type ClassificationPolicy =
  | { readonly mode: 'rules' }
  | {
      readonly mode: Exclude<RunMode, 'rules'>;
      /** Hybrid only (llm mode asks every field whatever the confidence). */
      readonly threshold?: number | undefined;
      readonly provider: string;
      readonly model: string;
      readonly promptVersion: string;
    };

export function policyTag(policy: ClassificationPolicy): string {
  const parts: (string | number)[] =
    policy.mode === 'rules'
      ? ['rules']
      : [policy.mode, policy.mode === 'hybrid' ? (policy.threshold ?? 'default') : '-', policy.provider, policy.model, policy.promptVersion];
  return `p${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 10)}`;
}

/** What a person reads for a tag (the run log, `classify status`). */
export function describePolicy(policy: ClassificationPolicy): string {
  if (policy.mode === 'rules') return 'rules';
  const threshold = policy.mode === 'hybrid' ? ` threshold ${policy.threshold ?? 'default'},` : '';
  return `${policy.mode},${threshold} ${policy.provider} ${policy.model}, prompt ${policy.promptVersion.slice(0, 12)}`;
}

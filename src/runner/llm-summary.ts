/**
 * The LLM's health in words, for the run summary and `classify status`: what the requests came
 * to (by outcome; attempts that never left the machine apart, as they are not requests), whether
 * the provider refused the key, and how many answers fell back to the rules.
 */
import type { LlmReport } from '../db/llm.js';
import { UNSENT_STATUSES, type LlmRequestStatus } from '../db/llm.js';
import type { LlmOutcomes } from '../db/llm-outcomes.js';

type Health = Pick<LlmReport, 'llm_outcomes' | 'llm_fallback_indicators' | 'llm_fallback_fields' | 'llm_fallback_causes'>;

/** The LLM health lines (none when nothing was asked and nothing fell back). */
export function llmHealthLines(health: Health): string[] {
  const lines: string[] = [];
  const outcomes = outcomesText(health.llm_outcomes);
  if (outcomes !== null) lines.push(`LLM outcomes: ${outcomes}`);
  if ((health.llm_outcomes.auth ?? 0) > 0) {
    lines.push("LLM stopped: the provider refused the key (auth); no new request after the first refusal, every later question kept the rules' answer — check the API key");
  }
  if (health.llm_fallback_fields > 0) {
    const causes = Object.entries(health.llm_fallback_causes).map(([cause, n]) => `${cause} ×${n}`).join(', ');
    lines.push(
      `LLM fallback: ${plural(health.llm_fallback_indicators, 'indicator')} (${plural(health.llm_fallback_fields, 'field')}) kept the rules' answer, flagged for review: ${causes}`,
    );
  }
  return lines;
}

/** "1 indicator", "2 indicators". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "ok 15, rate-limit 3; not sent: unreachable 4", or null when there were none. */
export function outcomesText(outcomes: LlmOutcomes): string | null {
  const entries = Object.entries(outcomes) as [LlmRequestStatus, number][];
  if (entries.length === 0) return null;
  const list = (sent: boolean) =>
    entries
      .filter(([status]) => UNSENT_STATUSES.includes(status) !== sent)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
  const sent = list(true);
  const unsent = list(false);
  return [sent === '' ? 'no request reached the provider' : sent, ...(unsent === '' ? [] : [`not sent (never left this machine, not counted as requests): ${unsent}`])].join('; ');
}

// The LLM health lines of the run summary and `classify status` (src/runner/llm-summary.ts), pure.
import { describe, expect, it } from 'vitest';
import { llmHealthLines, outcomesText, plural } from '../src/runner/llm-summary.js';

const HEALTHY = { llm_outcomes: {}, llm_fallback_indicators: 0, llm_fallback_fields: 0, llm_fallback_causes: {} };

describe('LLM health lines', () => {
  it('say nothing when nothing was asked and nothing fell back', () => {
    expect(llmHealthLines(HEALTHY)).toEqual([]);
    expect(outcomesText({})).toBeNull();
  });

  it('list the outcomes, unsent attempts apart, and the fallback by cause', () => {
    expect(outcomesText({ ok: 3, 'rate-limit': 2 })).toBe('ok 3, rate-limit 2');
    expect(outcomesText({ unreachable: 4 })).toBe('no request reached the provider; not sent (never left this machine, not counted as requests): unreachable 4');
    const lines = llmHealthLines({
      llm_outcomes: { ok: 1, auth: 39 },
      llm_fallback_indicators: 188,
      llm_fallback_fields: 212,
      llm_fallback_causes: { auth: 200, 'invalid-answer': 12 },
    });
    expect(lines).toEqual([
      'LLM outcomes: ok 1, auth 39',
      "LLM stopped: the provider refused the key (auth); no new request after the first refusal, every later question kept the rules' answer — check the API key",
      "LLM fallback: 188 indicators (212 fields) kept the rules' answer, flagged for review: auth ×200, invalid-answer ×12",
    ]);
    expect(plural(1, 'field')).toBe('1 field');
  });
});

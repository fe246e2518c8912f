/**
 * Submission order for the LLM modes: "leaders" first, followers after. A follower is an indicator
 * whose every LLM question (src/llm/plan.ts plannedQuestions) an earlier indicator of the catalog
 * already asks. Submitted after the leaders have finished, followers find their answers in the
 * cache instead of each joining the question at the batcher: on the 10,903-indicator catalog in
 * llm mode that is ~2,000 questions asked instead of ~40,000 joins of a Restate object.
 *
 * Judged from the rules' results (cheap: thousands of indicators a second); a follower whose
 * question turns out different in its run simply asks it.
 */
import type { Indicator } from '../domain/indicator.js';
import { plannedQuestions, type LlmPolicy } from '../llm/plan.js';
import { classifyWithRules } from '../stages/pipeline.js';

export interface LeaderFilter {
  /** True when every question of this indicator was asked by an indicator seen before. */
  follows(indicator: Indicator): boolean;
}

export function createLeaderFilter(policy: LlmPolicy): LeaderFilter {
  const asked = new Set<string>();
  return {
    follows(indicator) {
      let questions: string[];
      try {
        questions = plannedQuestions(policy, indicator, classifyWithRules(indicator)).map((q) => `${q.stage}:${q.signature}`);
      } catch {
        return false; // The workflow will report what is wrong with it.
      }
      const fresh = questions.filter((question) => !asked.has(question));
      for (const question of fresh) asked.add(question);
      return questions.length > 0 && fresh.length === 0;
    },
  };
}

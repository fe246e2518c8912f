/**
 * Submission order for the LLM modes. A "follower" is an indicator whose every LLM question
 * (src/llm/plan.ts plannedQuestions) an earlier indicator of the catalog — its leader — already
 * asks. A follower is held until the leaders of its questions have finished, so that it finds
 * their answers in the cache instead of joining the question at the batcher: on the
 * 10,903-indicator catalog in llm mode that is ~2,000 questions asked instead of ~40,000 joins of
 * a Restate object.
 *
 * Each follower waits for its own leaders only, and is released the moment they finish, so the
 * run keeps its pace (an earlier design held every follower until every leader had finished,
 * which left a gap in the middle of each run). Memory: the followers held, which the run bounds,
 * and the distinct questions seen.
 *
 * Judged from the rules' results (cheap: thousands of indicators a second); a follower whose
 * question turns out different in its run simply asks it.
 */
import type { Indicator } from '../domain/indicator.js';
import { plannedQuestions, type LlmPolicy } from '../llm/plan.js';
import { classifyWithRules } from '../stages/pipeline.js';

/** An indicator and its workflow key. */
export interface Candidate {
  readonly indicator: Indicator;
  readonly key: string;
}

export interface FollowerGate<T extends Candidate> {
  /** True: submit it now. False: held until the leaders of its questions finish (then in `takeReady`). */
  admit(candidate: T): boolean;
  /** This submitted key finished (completed or failed) or was refused: its followers may go. */
  finished(key: string): void;
  /** The followers released since the last call, in the order they were held. */
  takeReady(): T[];
  /** Followers held or released and not yet taken. */
  readonly held: number;
  /** Followers that were held at all (for the run's log). */
  readonly followed: number;
}

export function createFollowerGate<T extends Candidate>(policy: LlmPolicy): FollowerGate<T> {
  /** Every question seen, with the key of its leader while that leader runs (null once it finished). */
  const asked = new Map<string, string | null>();
  /** A running leader's key → the questions it asks first. */
  const leading = new Map<string, string[]>();
  /** A running leader's key → the followers waiting on it. */
  const waiting = new Map<string, T[]>();
  let ready: T[] = [];
  let held = 0;
  let followed = 0;

  /** The key of a running leader of one of these questions, if any. */
  const runningLeader = (questions: readonly string[]): string | undefined => {
    for (const question of questions) {
      const leader = asked.get(question);
      if (leader !== undefined && leader !== null) return leader;
    }
    return undefined;
  };

  const hold = (candidate: T, leader: string): void => {
    const list = waiting.get(leader);
    if (list === undefined) waiting.set(leader, [candidate]);
    else list.push(candidate);
  };

  return {
    admit(candidate) {
      const questions = questionsOf(policy, candidate.indicator);
      const fresh = questions.filter((question) => !asked.has(question));
      if (fresh.length > 0) {
        for (const question of fresh) asked.set(question, candidate.key);
        leading.set(candidate.key, fresh);
        return true;
      }
      const leader = runningLeader(questions);
      if (leader === undefined) return true; // No question, or all answered: the cache has them.
      hold(candidate, leader);
      held += 1;
      followed += 1;
      return false;
    },
    finished(key) {
      for (const question of leading.get(key) ?? []) asked.set(question, null);
      leading.delete(key);
      const followers = waiting.get(key);
      if (followers === undefined) return;
      waiting.delete(key);
      for (const follower of followers) {
        // It may also wait on another leader still running.
        const leader = runningLeader(questionsOf(policy, follower.indicator));
        if (leader === undefined) ready.push(follower);
        else hold(follower, leader);
      }
    },
    takeReady() {
      const taken = ready;
      ready = [];
      held -= taken.length;
      return taken;
    },
    get held() {
      return held;
    },
    get followed() {
      return followed;
    },
  };
}

function questionsOf(policy: LlmPolicy, indicator: Indicator): string[] {
  try {
    return plannedQuestions(policy, indicator, classifyWithRules(indicator)).map((q) => `${q.stage}:${q.signature}`);
  } catch {
    return []; // The workflow will report what is wrong with it.
  }
}

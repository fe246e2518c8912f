// The asker's loop without Restate: steps run at once, sleeps are timers, and the shared budget is
// the same pure arithmetic the virtual object runs, held in memory. Grants are kept for assertions.
import { feedback, grant, initialBudget, type BudgetFeedback, type BudgetState, type GrantRequest } from '../src/llm/budget.js';
import type { AskRuntime } from '../src/workflow/llm/answer-batch.js';
import { acquired, type Acquired } from '../src/workflow/llm/budget.js';

export interface DirectRuntime extends AskRuntime {
  readonly grants: { key: string; request: GrantRequest; acquired: Acquired }[];
  readonly reports: { key: string; signal: BudgetFeedback }[];
  /** Every lease the asker took (the batcher here never hands a batch to anyone else). */
  readonly leases: { signatures: readonly string[]; ms: number }[];
  budget(): BudgetState;
}

export function directRuntime(now: () => number = Date.now): DirectRuntime {
  let state = initialBudget();
  const grants: DirectRuntime['grants'] = [];
  const reports: DirectRuntime['reports'] = [];
  const leases: DirectRuntime['leases'] = [];
  return {
    grants,
    reports,
    leases,
    lease: (signatures, ms) => {
      leases.push({ signatures, ms });
      return Promise.resolve([...signatures]);
    },
    budget: () => state,
    step: (_name, action) => action(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    acquire: (key, request) => {
      const at = now();
      const granted = grant(state, request, at);
      state = granted.state;
      const answer = acquired(granted, at);
      grants.push({ key, request, acquired: answer });
      return Promise.resolve(answer);
    },
    report: (key, signal) => {
      reports.push({ key, signal });
      state = feedback(state, signal, now());
    },
  };
}

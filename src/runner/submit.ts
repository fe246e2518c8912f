/**
 * Sending indicators to the engine: at the target pace, within the in-flight window, a bounded
 * number of sends awaiting an answer at once. Each answer is accounted for as it comes: accepted
 * keys are tracked to completion, a refused one fails its indicator at once (the run goes on), and
 * an engine that cannot be reached stops the run (the rest is submitted by the next run).
 */
import type { Indicator } from '../domain/indicator.js';
import type { Completions } from './completions.js';
import type { Ingress } from './ingress.js';
import type { Pacer } from './pacer.js';
import type { SubmissionWindow } from './window.js';

export interface SubmitterOptions {
  readonly ingress: Ingress;
  readonly window: SubmissionWindow;
  readonly pacer: Pacer;
  readonly completions: Completions;
  /** Sends awaiting the engine's answer at once. */
  readonly concurrency: number;
  /** The run stopping: nothing more is sent. */
  readonly signal: AbortSignal;
  /** Why the endpoint would refuse this body (its input schema), or null when it fits: a refused body is not sent. */
  readonly check: (body: unknown) => string | null;
  /** The engine refused this one (a 4xx), or `check` did: record it as the indicator's failure. */
  readonly onRejected: (indicator: Indicator, key: string, reason: string) => Promise<void>;
  /** No ingress answered for the whole retry window: the run should stop. */
  readonly onUnavailable: (reason: string) => void;
}

export interface SubmissionCounts {
  /** Sent and answered: accepted, duplicate or rejected. */
  readonly submitted: number;
  /** Already known to the engine (same indicator, same content): no new work. */
  readonly duplicates: number;
  readonly rejected: number;
  /** Submissions each ingress node took (accepted or already known), by its URL. */
  readonly byNode: ReadonlyMap<string, number>;
}

export interface Submitter {
  /** Waits for room and pace, then sends without waiting for the answer (at most `concurrency` unanswered). */
  submit(indicator: Indicator, key: string, body: unknown): Promise<void>;
  /** Resolves when every send has its answer. */
  flush(): Promise<void>;
  /** Sends not yet answered. */
  readonly sending: number;
  readonly counts: SubmissionCounts;
}

export function createSubmitter(options: SubmitterOptions): Submitter {
  const counts = { submitted: 0, duplicates: 0, rejected: 0, byNode: new Map<string, number>() };
  const inFlight = new Set<Promise<void>>();
  const send = async (indicator: Indicator, key: string, body: unknown): Promise<void> => {
    const sentAt = Date.now();
    const outcome = await options.ingress.submit({ key, body });
    switch (outcome.kind) {
      case 'accepted':
      case 'duplicate':
        counts.submitted += 1;
        if (outcome.kind === 'duplicate') counts.duplicates += 1;
        counts.byNode.set(outcome.node, (counts.byNode.get(outcome.node) ?? 0) + 1);
        // A key the engine already had may be an earlier run's workflow: tracked by key, not by this run's feed.
        options.completions.add(key, sentAt, outcome.kind === 'duplicate');
        return;
      case 'rejected':
        counts.submitted += 1;
        counts.rejected += 1;
        await options.onRejected(indicator, key, outcome.reason);
        return;
      case 'unavailable':
        options.onUnavailable(outcome.reason);
        return;
      case 'interrupted':
        return;
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown submit outcome ${JSON.stringify(unreachable)}`);
      }
    }
  };
  return {
    async submit(indicator, key, body) {
      const refused = options.check(body);
      if (refused !== null) {
        // Answered without a send: the endpoint's serde would refuse it the same way, with no failures row.
        counts.submitted += 1;
        counts.rejected += 1;
        await options.onRejected(indicator, key, refused);
        return;
      }
      await options.window.room();
      await options.pacer.take();
      if (options.signal.aborted) return;
      const tracked: Promise<void> = send(indicator, key, body).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    },
    async flush() {
      await Promise.all(inFlight);
    },
    get sending() {
      return inFlight.size;
    },
    counts,
  };
}

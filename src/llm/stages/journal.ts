/**
 * A Map does not survive JSON (a Restate ctx.run journals its result as JSON): the batch result
 * as plain data and back.
 */
import type { BatchResult, RequestRecord } from './batch.js';
import type { LlmStage, StageAnswer } from './schemas.js';

export type JournaledBatch<S extends LlmStage> = {
  answers: Record<string, StageAnswer<S>>;
  missing: string[];
  requests: RequestRecord[];
};

export function toJournal<S extends LlmStage>(result: BatchResult<S>): JournaledBatch<S> {
  return { answers: Object.fromEntries(result.answers), missing: result.missing, requests: result.requests };
}

export function fromJournal<S extends LlmStage>(journaled: JournaledBatch<S>): BatchResult<S> {
  return { answers: new Map(Object.entries(journaled.answers)), missing: journaled.missing, requests: journaled.requests };
}

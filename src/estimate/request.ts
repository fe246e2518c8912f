/**
 * A planned request exactly as it would be sent: built by the product's own askOnce (batch.ts) with
 * a provider that records the request instead of calling anyone, so the system prefix, the user
 * message (stage instructions + indicators JSON) and the answer schema are the real ones. The
 * answer the model would give is represented by the rules' answer in the stage's answer shape.
 */
import type { Classification } from '../domain/results.js';
import type { LlmProvider, StructuredRequest } from '../llm/provider.js';
import { askOnce, type BatchItem } from '../llm/stages/batch.js';
import type { LlmStage, StageAnswer } from '../llm/stages/schemas.js';
import type { Batch } from './plan-requests.js';

/**
 * The id of the i-th question (0-based) within its request: "q1", "q2", …, as the workflow's asker
 * numbers them (src/workflow/llm/answer-batch.ts). A short id costs a token or two where a catalog
 * id costs several.
 */
export function batchId(index: number): string {
  return `q${index + 1}`;
}

/** A typical one-line reason (12 words; the prompt allows at most 20). */
export const TYPICAL_REASON = 'units and name show percentage change over each period, not a level';

/** What the provider receives for one request. */
export type CapturedRequest = { system: string; user: string; schemaName: string; schema: StructuredRequest<unknown>['schema'] };

class Captured extends Error {
  constructor(readonly request: CapturedRequest) {
    super('captured');
  }
}

/** The recording provider: throws the request back instead of sending it. */
const RECORDER: LlmProvider = {
  provider: 'openai',
  model: 'estimate',
  complete(request) {
    const { system, user, schemaName, schema } = request;
    return Promise.reject(new Captured({ system, user, schemaName, schema }));
  },
};

/** The request askOnce would send for this batch (items carry the short batch ids). */
export async function captureRequest(batch: Batch): Promise<CapturedRequest> {
  const items: BatchItem[] = batch.questions.map((question, index) => ({
    id: batchId(index),
    context: question.context,
    ...(question.family === undefined ? {} : { family: question.family }),
  }));
  try {
    await askOnce(RECORDER, batch.stage, items);
  } catch (error) {
    if (error instanceof Captured) return error.request;
    throw error;
  }
  throw new Error('estimate: askOnce sent no request');
}

/** The rules' answer for `stage`, shaped as that stage's answer item (schema key order), with a typical reason. */
export function answerItem(stage: LlmStage, id: string, rules: Classification): StageAnswer {
  const confidence = rules[stage].confidence;
  const reason = TYPICAL_REASON;
  switch (stage) {
    case 'time':
      return { id, reporting_frequency: rules.time.reporting_frequency, time_basis: rules.time.time_basis, confidence, reason };
    case 'family':
      return { id, family: rules.family.family, confidence, reason };
    case 'type':
      return {
        id,
        type: rules.type.type,
        temporal_aggregation: rules.type.temporal_aggregation,
        is_currency_denominated: rules.type.is_currency_denominated,
        confidence,
        reason,
      };
    case 'orientation':
      return { id, orientation: rules.orientation.orientation, confidence, reason };
    case 'cumulative':
      return { id, is_cumulative: rules.cumulative.is_cumulative, pattern: rules.cumulative.pattern, confidence, reason };
  }
}

/** The whole answer of a request: `{"results":[…]}`, one item per question, in order. */
export function answerOf(batch: Batch): { results: StageAnswer[] } {
  return { results: batch.questions.map((question, index) => answerItem(batch.stage, batchId(index), question.rules)) };
}

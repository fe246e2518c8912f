/**
 * Every schema change, in order. Append a new module with the next version; never edit one that
 * has shipped (databases that applied it will not run it again).
 */
import { initialSchema } from './001-initial.js';
import { workflowKeyIndexes } from './002-workflow-key-indexes.js';
import { llmSchema } from './003-llm.js';
import { llmOutcomes } from './004-llm-outcomes.js';
import { runMetrics } from './005-run-metrics.js';
import { changeFeed } from './006-change-feed.js';
import { stageContentHash } from './007-stage-content-hash.js';
import { classificationPolicy } from './008-classification-policy.js';
import { overrides } from './009-overrides.js';
import { runHeartbeat } from './010-run-heartbeat.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initialSchema, workflowKeyIndexes, llmSchema, llmOutcomes, runMetrics, changeFeed, stageContentHash, classificationPolicy, overrides, runHeartbeat];

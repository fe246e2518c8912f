/** The LLM stages: schemas, prompt, batching and merging (wired into the workflow elsewhere). */
export { askBatch, askOnce, chunk, DEFAULT_BATCH_SIZE, type AskOptions, type BatchItem, type BatchResult, type OnceResult, type RequestRecord, type RequestStatus } from './batch.js';
export { shouldAskCumulative } from './cumulative.js';
export { fromJournal, toJournal, type JournaledBatch } from './journal.js';
export { keepRules, KEPT_RULES_CONFIDENCE, KEPT_RULES_SUFFIX, mergeAnswer } from './merge.js';
export {
  CumulativeAnswer,
  FamilyAnswer,
  itemSchema,
  LLM_STAGES,
  LlmStage,
  OrientationAnswer,
  schemaName,
  stageSchema,
  TimeAnswer,
  TypeAnswer,
  type BatchAnswer,
  type StageAnswer,
  type StageAnswers,
} from './schemas.js';
export { indicatorContext, summarizeValues, type IndicatorContext, type PriorResults, type ValuesSummary } from '../prompt/context.js';
export { PROMPT_VERSION, SYSTEM_PREFIX } from '../prompt/system.js';
export { userMessage } from '../prompt/user.js';

/**
 * The durable classification of one indicator: a Restate workflow keyed by `workflowKey` (see
 * keys.ts). It runs the stage sequence of src/stages/pipeline.ts. Only what must be durable is
 * journaled: the rule stages are pure functions of the input, so a replay recomputes them
 * identically and they get no journal entry (each entry is a round trip to the engine); the cache
 * read of a stage the LLM is asked about, the LLM's answer and the save are journaled, so a replay
 * after a crash never reads differently or pays again. The save is the last step, one transaction
 * in the store that is an upsert, so running it twice after a crash changes nothing.
 *
 * The only logic here is what to journal, which fields to ask the LLM (src/llm/plan.ts: the run's
 * policy travels in the input, so a replay decides the same way) and what to do when a step can
 * never succeed. An LLM answer replaces the rules' field with source 'llm' before later stages read
 * it; no valid answer keeps the rules' field with a low confidence, flagged for review.
 */
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import { createRowValidator } from '../catalog/validate.js';
import { cachedQuestionId } from '../db/llm.js';
import type { ClassificationStore, SharedHit } from '../db/store.js';
import type { Indicator, IndicatorInput } from '../domain/indicator.js';
import { Classification } from '../domain/results.js';
import type { Family, IndicatorType, Orientation } from '../domain/taxonomy.js';
import { classifyWithRules, StageProgress, STAGES, type Stage, type StageResults } from '../stages/pipeline.js';
import { indicatorContext } from '../llm/prompt/context.js';
import { NO_CAPS } from '../llm/budget.js';
import { LlmPolicy, plannedQuestions, shouldAsk, type PlannedQuestion } from '../llm/plan.js';
import { signature } from '../llm/signature.js';
import { fallbackWhy, keepRules, mergeStageAnswer } from '../llm/stages/merge.js';
import { isLlmStage, type LlmStage, type StageAnswer } from '../llm/stages/schemas.js';
import { contentHash, parseWorkflowKey } from './keys.js';
import { awaitAnswer, prefetchedAnswer, readCachedAnswer, readCachedAnswers, sharedHit } from './llm/ask.js';
import type { Question } from './llm/messages.js';
import type { LlmService } from './llm/service.js';
import { INVOCATION_RETRY, RETENTION_MS, SAVE_RETRY, type StepRetry } from './options.js';
import { zodSerde } from './serde.js';
import { failWorkflow, runStep, type FailureIdentity, type StepDeps } from './steps.js';

/** The workflow's name: the first segment of its ingress URLs (`/classifyIndicator/{key}/run`). */
export const CLASSIFY_WORKFLOW = 'classifyIndicator';

/**
 * What a submission carries, parsed by the endpoint before the handler runs (src/workflow/serde.ts):
 * a body that does not fit is refused there (a terminal error, never retried, no failures row: the
 * runner parses what it sends with the same schema first, src/runner/run.ts). The indicator's own
 * fields are validated by the handler, which can record that failure under the indicator's id.
 */
export const ClassifyWorkflowInput = z.object({
  /** The classification run this submission belongs to (stored with the result). */
  runId: z.string().min(1, 'missing run id'),
  /** The catalog row as read; validated by the handler, so an invalid row fails this workflow only, with its reason stored. */
  indicator: z.custom<IndicatorInput>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected the indicator as an object'),
  /** `contentHash` of the validated indicator, as computed for the key; checked here. */
  contentHash: z.string().min(1),
  /** How the run uses the LLM; absent or null: rules only. */
  llm: LlmPolicy.nullable().optional(),
});
export type ClassifyWorkflowInput = z.infer<typeof ClassifyWorkflowInput>;

/** A small summary: the whole classification is in the database. */
export interface ClassifyWorkflowOutput {
  readonly indicatorId: string;
  readonly family: Family;
  readonly type: IndicatorType;
  readonly orientation: Orientation;
}

export interface ClassifyWorkflowDeps {
  readonly store: ClassificationStore;
  /** Called inside each step's `ctx.run`, i.e. only when the step really executes (not on replay). */
  readonly onStage?: (stage: string, workflowKey: string) => void;
  /** Overrides the retries of the two store writes, save and failure record (tests use short intervals). */
  readonly storeRetry?: StepRetry;
  /** The LLM of this endpoint; without it, fields the policy would ask keep the rules' answer, flagged. */
  readonly llm?: LlmService | undefined;
}

export function createClassifyWorkflow(deps: ClassifyWorkflowDeps) {
  const stepDeps: StepDeps = { store: deps.store, onStage: deps.onStage, failureRetry: deps.storeRetry };
  return restate.workflow({
    name: CLASSIFY_WORKFLOW,
    handlers: {
      run: restate.handlers.workflow.workflow({ input: zodSerde(ClassifyWorkflowInput) }, async (ctx: restate.WorkflowContext, input: ClassifyWorkflowInput): Promise<ClassifyWorkflowOutput> => {
        const identity: FailureIdentity = identify(ctx.key, input);
        // Validation is pure and deterministic, so it needs no journal entry: a replay gets the same answer.
        const valid = validate(ctx.key, input);
        if (typeof valid === 'string') return await failWorkflow(ctx, stepDeps, identity, 'input', valid, 1);
        const { indicator, policy } = valid;
        const step = <T>(stage: string, action: () => T | Promise<T>, retry: StepRetry) =>
          runStep(ctx, stepDeps, identity, stage, action, retry);
        // The model asked: the policy's, or the endpoint's read once and journaled. Nothing below reads
        // this process's environment to decide, so a replay on a restarted endpoint takes the same path.
        const model = policy === null ? null : (policy.model ?? (await step('llm', () => deps.llm?.provider.model ?? null, deps.storeRetry ?? SAVE_RETRY)));

        const progress = new StageProgress(indicator);
        const sharedHits: SharedHit[] = [];
        // The questions the rules predict (pure), and the cache's answers to them in one journaled read.
        const predicted = model === null ? [] : predictQuestions(policy, indicator);
        const prefetch = {
          asked: new Set(predicted.map(cachedQuestionId)),
          answers:
            model === null || predicted.length === 0
              ? {}
              : await step('cache', () => readCachedAnswers(deps.llm, model, predicted), deps.storeRetry ?? SAVE_RETRY),
        };
        /** What the run's policy asks the LLM about `stage`, whose rules' result is recorded; null: nothing. */
        const questionFor = (stage: Stage): Question | null => {
          if (!isLlmStage(stage) || !shouldAsk(policy, stage, progress.get(stage), indicator)) return null;
          // The question shows what is known when it is asked: the stages so far and this stage's rules.
          const normalization = progress.get('normalization');
          const time = progress.get('time');
          const family = stage === 'type' ? progress.get('family').family : undefined;
          return {
            stage,
            signature: signature({ name: indicator.name, units: indicator.units, normalization, time, family }, stage).hash,
            context: indicatorContext(indicator, { normalization, time, cumulative: progress.find('cumulative') }),
            ...(family === undefined ? {} : { family }),
            ...(model === null ? {} : { model }),
          };
        };
        /**
         * One stage: its rules (pure: recomputed identically on a replay, so not journaled), then where
         * the policy asks the LLM the cached answer (a database read: one journaled step), else the LLM's.
         */
        const decide = async <S extends Stage>(stage: S): Promise<StageResults[S]> => {
          let ruled: StageResults[S];
          try {
            ruled = progress.rules(stage);
          } catch (error) {
            // A throw from a pure function is a bug that a retry would meet again: fail this indicator at once.
            return await failWorkflow(ctx, stepDeps, identity, stage, error instanceof Error ? error.message : String(error), 1);
          }
          progress.record(stage, ruled);
          const question = questionFor(stage);
          if (question === null) return ruled;
          const known = prefetchedAnswer(prefetch, question);
          const cached =
            model === null || known !== undefined
              ? (known ?? null)
              : await step(`${stage} cache`, () => readCachedAnswer(ctx.key, deps.llm, model, input.runId, question), deps.storeRetry ?? SAVE_RETRY);
          const { verdict, shared } =
            model === null
              ? { verdict: { kind: 'none', reason: fallbackWhy('not-configured', 'no LLM was configured at the service endpoint') } as const, shared: false }
              : cached === null
                ? await awaitAnswer(ctx, input.runId, question, policy?.caps ?? NO_CAPS)
                : // A prefetched hit is logged with the save; the per-stage read logged its own.
                  { verdict: { kind: 'answer', answer: cached, fromCache: true } as const, shared: known !== undefined };
          if (shared && model !== null) sharedHits.push(sharedHit(ctx.key, model, question));
          // TypeScript cannot narrow `ruled` along with `stage`: it is this LLM stage's result.
          const rules = ruled as StageResults[S & LlmStage];
          progress.record(
            stage,
            verdict.kind === 'answer' ? mergeStageAnswer(rules, verdict.answer as StageAnswer<S & LlmStage>) : keepRules(rules, verdict.reason),
          );
          return progress.get(stage);
        };
        for (const stage of STAGES) await decide(stage);

        const parsed = Classification.safeParse(progress.draft());
        if (!parsed.success) {
          // Cannot happen with the rules (the pipeline parses the same way); blame the stage the schema names.
          const issue = parsed.error.issues[0];
          const stage = typeof issue?.path[0] === 'string' ? issue.path[0] : 'save';
          const where = issue?.path.map(String).join('.') ?? '';
          return await failWorkflow(ctx, stepDeps, identity, stage, `invalid classification: ${where}: ${issue?.message ?? ''}`, 1);
        }
        const classification = parsed.data;
        await step(
          'save',
          () =>
            deps.store.saveClassification({
              runId: input.runId,
              workflowKey: ctx.key,
              contentHash: input.contentHash,
              classification,
              sharedHits,
            }),
          deps.storeRetry ?? SAVE_RETRY,
        );
        return {
          indicatorId: classification.indicator_id,
          family: classification.family.family,
          type: classification.type.type,
          orientation: classification.orientation.orientation,
        };
      }),
    },
    options: {
      retryPolicy: INVOCATION_RETRY,
      journalRetention: RETENTION_MS,
      workflowRetention: RETENTION_MS,
    },
  });
}

export type ClassifyWorkflow = ReturnType<typeof createClassifyWorkflow>;

/** The questions the policy would ask judged from the rules alone; none when a rule stage throws (the stage loop fails it). */
function predictQuestions(policy: LlmPolicy | null, indicator: Indicator): PlannedQuestion[] {
  try {
    return plannedQuestions(policy, indicator, classifyWithRules(indicator));
  } catch {
    return [];
  }
}

/** The validated indicator and LLM policy, or why the submission can never be classified (its shape was parsed by the serde). */
function validate(key: string, input: ClassifyWorkflowInput): { indicator: Indicator; policy: LlmPolicy | null } | string {
  const row = createRowValidator('allow')({ kind: 'parsed', line: 1, value: input.indicator, problems: [] });
  if (row.kind === 'rejected') return row.problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
  const hash = contentHash(row.indicator);
  if (input.contentHash !== hash) {
    return `content hash mismatch: submitted ${JSON.stringify(input.contentHash)}, the indicator hashes to ${hash}`;
  }
  const parsedKey = parseWorkflowKey(key);
  if (parsedKey?.indicatorId !== row.indicator.id || parsedKey.hash16 !== hash.slice(0, parsedKey.hash16.length)) {
    return `workflow key ${JSON.stringify(key)} does not match indicator ${JSON.stringify(row.indicator.id)} with hash ${hash}`;
  }
  return { indicator: row.indicator, policy: input.llm ?? null };
}

/** Who a failure belongs to, as well as a submission whose indicator may be invalid tells. */
function identify(key: string, input: ClassifyWorkflowInput): FailureIdentity {
  const { id } = input.indicator as { id?: unknown };
  const indicatorId =
    typeof id === 'string' && id.trim() !== '' ? id.trim() : typeof id === 'number' ? String(id) : (parseWorkflowKey(key)?.indicatorId ?? key);
  return { runId: input.runId, indicatorId, workflowKey: key };
}

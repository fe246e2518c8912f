/**
 * Every answer is validated: JSON text → the request's zod schema, or an invalid-answer LlmError
 * that keeps the raw text, the issues and the usage of the (billed) call.
 */
import type { z } from 'zod';
import { LlmError, type TokenUsage } from './provider.js';

export type AnswerContext = { usage: TokenUsage; requestId: string | null; status?: number };

export function parseAnswer<T>(schema: z.ZodType<T>, raw: string, context: AnswerContext): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidAnswer(`the answer is not JSON (${reason})`, raw, [], context);
  }
  return validateAnswer(schema, json, raw, context);
}

export function validateAnswer<T>(schema: z.ZodType<T>, json: unknown, raw: string, context: AnswerContext): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // Strict mode makes optional properties required + nullable (json-schema.ts): a null there
  // stands for "absent", so try again without the nulls before calling the answer invalid.
  const retried = schema.safeParse(dropNulls(json));
  if (retried.success) return retried.data;
  const summary = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw invalidAnswer(`the answer does not fit the schema (${summary})`, raw, parsed.error.issues, context);
}

export function invalidAnswer(
  message: string,
  raw: string | null,
  issues: readonly z.core.$ZodIssue[],
  context: AnswerContext,
): LlmError {
  return new LlmError('invalid-answer', message, { raw, issues, usage: context.usage, requestId: context.requestId, status: context.status ?? 200 });
}

/** A copy without object properties whose value is null (array items are kept). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== null) out[key] = dropNulls(member);
  return out;
}

/**
 * The boundary of every handler: its input, and what it reads back from state or an awakeable, is
 * parsed with the zod schema that defines its type (Restate's zod serde, @restatedev/restate-sdk-zod,
 * which works with zod 4). A value that does not fit is refused before the handler runs: the SDK
 * ends the invocation with a terminal error (code 400) that the engine does not retry. The issues
 * are said on one line ("runId: Invalid input: expected string, received undefined"), not as the
 * JSON dump a ZodError's message is.
 */
import type { Serde } from '@restatedev/restate-sdk';
import { serde } from '@restatedev/restate-sdk-zod';
import { z } from 'zod';

/** The issues of a failed parse on one line: `path: message; …` (the root is `(input)`). */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length === 0 ? '(input)' : issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
}

/** Restate's zod serde for `schema`, with the one-line reason of `describeIssues` when a value is refused. */
export function zodSerde<O>(schema: z.ZodType<O>): Serde<O> {
  const inner: Serde<O> = serde.zod(schema);
  return {
    contentType: inner.contentType,
    jsonSchema: inner.jsonSchema,
    serialize: (value) => inner.serialize(value),
    deserialize: (data) => {
      try {
        return inner.deserialize(data);
      } catch (error) {
        throw error instanceof z.ZodError ? new Error(describeIssues(error)) : error;
      }
    },
  };
}

/** A state value read back: parsed with its schema (null: unset). A value that does not fit is a bug: thrown, so the attempt fails and is retried, visibly. */
export function parseState<T extends z.ZodType>(schema: T, key: string, value: unknown): z.output<T> | null {
  if (value === null || value === undefined) return null;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`state ${JSON.stringify(key)} does not fit its schema: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * The Chat Completions request body, as the official SDK sends it: parsed with zod, loosely (the
 * API ignores what it does not use), so that only what the simulator relies on is checked.
 */
import { z } from 'zod';
import { invalidRequest, type ApiError } from './errors.js';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.unknown()).optional(),
});
export type Message = z.infer<typeof Message>;

const JsonSchemaFormat = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
  description: z.string().optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().nullish(),
});

const ResponseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({ type: z.literal('json_schema'), json_schema: JsonSchemaFormat }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormat>;

const positiveInt = z.number().int().positive().nullish();

export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  response_format: ResponseFormat.nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  max_completion_tokens: positiveInt,
  max_tokens: positiveInt,
  n: z.number().int().min(1).max(128).nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  prompt_cache_key: z.string().nullish(),
  tools: z.array(z.unknown()).nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

/** Parses a body, answering the first problem in OpenAI's words. */
export function parseChatRequest(body: unknown): { ok: true; request: ChatRequest } | { ok: false; error: ApiError } {
  const parsed = ChatRequest.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  const param = (issue?.path ?? [])
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
  if (issue?.code === 'invalid_type' && issue.input === undefined) {
    return { ok: false, error: invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter') };
  }
  const reason = issue?.message ?? 'invalid';
  return { ok: false, error: invalidRequest(`Invalid value for '${param}': ${reason}.`, param, 'invalid_value') };
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(message: Message): string {
  const { content } = message;
  const text = typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');
  // Tool calls are part of what the model read; count them as their JSON.
  return message.tool_calls ? text + JSON.stringify(message.tool_calls) : text;
}

/**
 * zod → the JSON schema of OpenAI Structured Outputs in strict mode (also used as Anthropic's tool
 * input_schema). zod stays the one source of truth: `z.toJSONSchema` writes the schema, then it is
 * reduced to the strict subset:
 *
 * - every object: `additionalProperties: false` and every property listed in `required`; an
 *   optional property becomes required and nullable (answer.ts reads its null as "absent");
 * - `oneOf` (what discriminated unions produce) becomes `anyOf`; `const` becomes a one-value enum;
 * - only structural keywords are kept (type, properties, required, additionalProperties, items,
 *   enum, anyOf, $ref, $defs, definitions, description). Value constraints (minimum, maximum,
 *   minLength, pattern, format, minItems, default, …) are dropped: the strict subset accepts
 *   few of them, unevenly across models, and a rejected schema fails every call. They are not
 *   lost: every answer is validated by the zod schema itself.
 *
 * What strict mode cannot express at all (records / open maps, allOf, a non-object root) throws.
 */
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

const KEPT = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'anyOf', '$ref', '$defs', 'definitions', 'description']);

export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  const generated = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as JsonSchema;
  const strict = strictNode(generated, '#');
  if (strict.type !== 'object' || strict.anyOf !== undefined) {
    throw new Error('strictJsonSchema: the root must be a z.object (OpenAI strict mode requires an object root)');
  }
  return strict;
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strictNode(node: JsonSchema, path: string): JsonSchema {
  if (node.allOf !== undefined) throw new Error(`strictJsonSchema: allOf at ${path} is not supported in strict mode`);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'oneOf') out.anyOf = strictList(value, `${path}/oneOf`);
    else if (key === 'const') out.enum = [value];
    else if (!KEPT.has(key)) continue;
    else if (key === 'anyOf') out.anyOf = strictList(value, `${path}/anyOf`);
    else if (key === 'items' && isRecord(value)) out.items = strictNode(value, `${path}/items`);
    else if (key === '$defs' || key === 'definitions') out[key] = strictMap(value, `${path}/${key}`);
    else if (key !== 'properties' && key !== 'required' && key !== 'additionalProperties') out[key] = value;
  }
  const isObject = node.type === 'object' || isRecord(node.properties);
  if (isObject) {
    if (isRecord(node.additionalProperties) || (node.additionalProperties === true && !isRecord(node.properties))) {
      throw new Error(`strictJsonSchema: an open map (z.record) at ${path} is not supported in strict mode`);
    }
    const properties = isRecord(node.properties) ? node.properties : {};
    const required = Array.isArray(node.required) ? node.required : [];
    const strictProperties: JsonSchema = {};
    for (const [name, property] of Object.entries(properties)) {
      if (!isRecord(property)) continue;
      const strict = strictNode(property, `${path}/properties/${name}`);
      strictProperties[name] = required.includes(name) ? strict : nullable(strict);
    }
    out.type = 'object';
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  }
  return out;
}

function strictList(value: unknown, path: string): JsonSchema[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item, index) => strictNode(item, `${path}/${index}`));
}

function strictMap(value: unknown, path: string): JsonSchema {
  const out: JsonSchema = {};
  if (isRecord(value)) for (const [name, item] of Object.entries(value)) if (isRecord(item)) out[name] = strictNode(item, `${path}/${name}`);
  return out;
}

function allowsNull(node: JsonSchema): boolean {
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  return Array.isArray(node.anyOf) && node.anyOf.some((branch) => isRecord(branch) && allowsNull(branch));
}

function nullable(node: JsonSchema): JsonSchema {
  if (allowsNull(node)) return node;
  const { description, ...rest } = node;
  return description === undefined ? { anyOf: [rest, { type: 'null' }] } : { description, anyOf: [rest, { type: 'null' }] };
}

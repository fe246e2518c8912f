/**
 * A small walker for the JSON-Schema subset that OpenAI's structured outputs accept (object with
 * properties / required / additionalProperties, array with items, enum, const, anyOf, type unions
 * with null, string / number / integer / boolean, $ref into $defs or definitions). The simulator
 * needs three things from a schema: does a value fit it, what is a valid default, and fill an
 * answer from a loosely shaped source so that the result always validates.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A schema node: JSON Schema is untyped, so every keyword is read through a guard. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** Deep enough for any real answer schema; stops runaway recursion through self-references. */
const MAX_DEPTH = 32;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows `$ref` ("#", "#/$defs/X", "#/definitions/X", any local JSON pointer) to its target. */
export function resolveRef(root: SchemaNode, node: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; hops < MAX_DEPTH; hops++) {
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    if (!ref.startsWith('#')) throw new Error(`unsupported $ref ${JSON.stringify(ref)} (only local references)`);
    let target: unknown = root;
    for (const raw of ref.slice(1).split('/').filter((part) => part !== '')) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isRecord(target) ? target[key] : undefined;
    }
    if (!isRecord(target)) throw new Error(`$ref ${JSON.stringify(ref)} does not resolve`);
    current = target;
  }
  throw new Error('$ref chain too long');
}

function branchesOf(node: SchemaNode): SchemaNode[] | undefined {
  const union = node.anyOf ?? node.oneOf;
  return Array.isArray(union) ? union.filter(isRecord) : undefined;
}

/** The declared types of a node; inferred from its keywords when `type` is absent. */
function typesOf(node: SchemaNode): string[] {
  const declared = node.type;
  if (typeof declared === 'string') return [declared];
  if (Array.isArray(declared)) return declared.filter((item): item is string => typeof item === 'string');
  if (isRecord(node.properties)) return ['object'];
  if (isRecord(node.items)) return ['array'];
  return [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fitsType(value: unknown, type: string): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return jsonType(value) === type;
}

function num(node: SchemaNode, key: string): number | undefined {
  const value = node[key];
  return typeof value === 'number' ? value : undefined;
}

function propertiesOf(node: SchemaNode): Record<string, SchemaNode> {
  const properties = node.properties;
  if (!isRecord(properties)) return {};
  const out: Record<string, SchemaNode> = {};
  for (const [key, value] of Object.entries(properties)) if (isRecord(value)) out[key] = value;
  return out;
}

export function requiredOf(node: SchemaNode): string[] {
  return Array.isArray(node.required) ? node.required.filter((key): key is string => typeof key === 'string') : [];
}

/** The object schema behind a node (through $ref and nullable unions), or undefined. */
export function objectSchemaOf(root: SchemaNode, node: SchemaNode): SchemaNode | undefined {
  const resolved = resolveRef(root, node);
  const branches = branchesOf(resolved);
  if (branches) {
    for (const branch of branches) {
      const found = objectSchemaOf(root, branch);
      if (found) return found;
    }
    return undefined;
  }
  return typesOf(resolved).includes('object') ? resolved : undefined;
}

/** The item schema of an array node (through $ref and nullable unions), or undefined. */
export function arrayItemsOf(root: SchemaNode, node: SchemaNode): SchemaNode | undefined {
  const resolved = resolveRef(root, node);
  const branches = branchesOf(resolved);
  if (branches) {
    for (const branch of branches) {
      const found = arrayItemsOf(root, branch);
      if (found) return found;
    }
    return undefined;
  }
  if (!typesOf(resolved).includes('array')) return undefined;
  return isRecord(resolved.items) ? resolved.items : {};
}

export function objectProperties(root: SchemaNode, node: SchemaNode): Record<string, SchemaNode> {
  const object = objectSchemaOf(root, node);
  return object ? propertiesOf(object) : {};
}

/** Does `value` validate against `node`? Covers the strict-mode subset; unknown keywords pass. */
export function conforms(root: SchemaNode, node: SchemaNode, value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const schema = resolveRef(root, node);
  const branches = branchesOf(schema);
  if (branches && !branches.some((branch) => conforms(root, branch, value, depth + 1))) return false;
  if (Array.isArray(schema.allOf) && !schema.allOf.every((part) => isRecord(part) && conforms(root, part, value, depth + 1))) {
    return false;
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((item) => JSON.stringify(item) === JSON.stringify(value))) return false;
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((type) => fitsType(value, type))) return false;
  if (typeof value === 'string') return stringFits(schema, value);
  if (typeof value === 'number') return numberFits(schema, value);
  if (Array.isArray(value)) {
    const items = isRecord(schema.items) ? schema.items : undefined;
    if (value.length < (num(schema, 'minItems') ?? 0) || value.length > (num(schema, 'maxItems') ?? Infinity)) return false;
    return items === undefined || value.every((item) => conforms(root, items, item, depth + 1));
  }
  if (isRecord(value)) {
    const properties = propertiesOf(schema);
    if (requiredOf(schema).some((key) => !(key in value))) return false;
    for (const [key, member] of Object.entries(value)) {
      const property = properties[key];
      if (property) {
        if (!conforms(root, property, member, depth + 1)) return false;
      } else if (schema.additionalProperties === false) {
        return false;
      }
    }
  }
  return true;
}

function stringFits(schema: SchemaNode, value: string): boolean {
  const length = Array.from(value).length; // JSON Schema counts code points.
  if (length < (num(schema, 'minLength') ?? 0) || length > (num(schema, 'maxLength') ?? Infinity)) return false;
  if (typeof schema.pattern === 'string') {
    try {
      if (!new RegExp(schema.pattern, 'u').test(value)) return false;
    } catch {
      return true; // A pattern JavaScript cannot compile is not ours to enforce.
    }
  }
  return true;
}

function numberFits(schema: SchemaNode, value: number): boolean {
  const minimum = num(schema, 'minimum');
  const maximum = num(schema, 'maximum');
  const exclusiveMinimum = num(schema, 'exclusiveMinimum');
  const exclusiveMaximum = num(schema, 'exclusiveMaximum');
  const multipleOf = num(schema, 'multipleOf');
  if (minimum !== undefined && value < minimum) return false;
  if (maximum !== undefined && value > maximum) return false;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return false;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return false;
  if (multipleOf !== undefined && multipleOf > 0 && Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9) {
    return false;
  }
  return true;
}

/** Strings tried, in order, when a schema constrains a string (pattern, format, length). */
const STRING_CANDIDATES: Record<string, string> = {
  'date-time': '2000-01-01T00:00:00Z',
  date: '2000-01-01',
  time: '00:00:00Z',
  duration: 'P0D',
  email: 'sim@example.com',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function defaultString(schema: SchemaNode): string {
  const format = typeof schema.format === 'string' ? STRING_CANDIDATES[schema.format] : undefined;
  const minLength = num(schema, 'minLength') ?? 0;
  const candidates = [format, '', 'x'.repeat(Math.max(1, minLength)), 'XXX', 'xxx', '0', 'A', 'a', 'unknown'];
  for (const candidate of candidates) if (candidate !== undefined && stringFits(schema, candidate)) return candidate;
  // A pattern none of the candidates match: the answer may not validate, but it stays a string.
  return 'x'.repeat(minLength);
}

function defaultNumber(schema: SchemaNode, integer: boolean): number {
  let low = num(schema, 'minimum') ?? -Infinity;
  const high = num(schema, 'maximum') ?? Infinity;
  const exclusiveMinimum = num(schema, 'exclusiveMinimum');
  if (exclusiveMinimum !== undefined) low = Math.max(low, integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + 1e-6);
  let value = Math.min(Math.max(0, low), high);
  if (integer) value = Math.ceil(value);
  const multipleOf = num(schema, 'multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) value = Math.ceil(value / multipleOf) * multipleOf;
  return value;
}

/**
 * A value that validates against `node`: const, the first enum value, null where null is allowed,
 * otherwise 0 / false / "" / [] (or minItems defaults) / an object of every property's default.
 */
export function defaultFor(root: SchemaNode, node: SchemaNode, depth = 0): Json {
  if (depth > MAX_DEPTH) return null;
  const schema = resolveRef(root, node);
  if ('const' in schema) return toJson(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return toJson(schema.enum[0]);
  const branches = branchesOf(schema);
  if (branches && branches.length > 0) {
    if (branches.some((branch) => conforms(root, branch, null))) return null;
    return defaultFor(root, branches[0] ?? {}, depth + 1);
  }
  const types = typesOf(schema);
  if (types.length === 0 || types.includes('null')) return null;
  switch (types[0]) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, property] of Object.entries(propertiesOf(schema))) out[key] = defaultFor(root, property, depth + 1);
      return out;
    }
    case 'array': {
      const items = isRecord(schema.items) ? schema.items : {};
      return Array.from({ length: num(schema, 'minItems') ?? 0 }, () => defaultFor(root, items, depth + 1));
    }
    case 'string':
      return defaultString(schema);
    case 'integer':
      return defaultNumber(schema, true);
    case 'number':
      return defaultNumber(schema, false);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/**
 * `source` shaped by `node`: the source's value where it validates, recursing into objects and
 * arrays, and the default wherever it is missing or does not fit. Extra source keys are dropped.
 */
export function fill(root: SchemaNode, node: SchemaNode, source: unknown, depth = 0): Json {
  if (depth > MAX_DEPTH) return defaultFor(root, node, depth);
  const schema = resolveRef(root, node);
  const branches = branchesOf(schema);
  if (branches) {
    const exact = branches.find((branch) => conforms(root, branch, source));
    if (exact) return fill(root, exact, source, depth + 1);
    const shaped = branches.find((branch) => typesOf(resolveRef(root, branch)).includes(jsonType(source)));
    return shaped ? fill(root, shaped, source, depth + 1) : defaultFor(root, schema, depth);
  }
  const types = typesOf(schema);
  if (isRecord(source) && types.includes('object')) {
    const out: Record<string, Json> = {};
    for (const [key, property] of Object.entries(propertiesOf(schema))) out[key] = fill(root, property, source[key], depth + 1);
    return out;
  }
  if (Array.isArray(source) && types.includes('array')) {
    const items = isRecord(schema.items) ? schema.items : {};
    const out = source.slice(0, num(schema, 'maxItems') ?? Infinity).map((item) => fill(root, items, item, depth + 1));
    while (out.length < (num(schema, 'minItems') ?? 0)) out.push(defaultFor(root, items, depth + 1));
    return out;
  }
  if (source !== undefined && !isRecord(source) && !Array.isArray(source) && conforms(root, schema, source)) {
    return toJson(source);
  }
  return defaultFor(root, schema, depth);
}

function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}

/**
 * The rules OpenAI enforces on a `strict: true` schema that a product is most likely to break:
 * the root is an object, and every object lists all its properties as required and sets
 * additionalProperties to false. Returns OpenAI's message for the first violation, or undefined.
 */
export function strictSchemaProblem(root: SchemaNode): string | undefined {
  const top = resolveRef(root, root);
  if (!typesOf(top).includes('object') || branchesOf(top)) {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: ${JSON.stringify(top.type ?? null)}'.`;
  }
  return strictProblemAt(root, root, [], 0);
}

function strictProblemAt(root: SchemaNode, node: SchemaNode, path: string[], depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const context = `In context=(${path.map((part) => `'${part}'`).join(', ')})`;
  // A $ref node's target is checked where it is defined (under $defs / definitions).
  if (typeof node.$ref !== 'string' && typesOf(node).includes('object')) {
    if (node.additionalProperties !== false) {
      return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const required = requiredOf(node);
    const missing = Object.keys(propertiesOf(node)).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  const children: [string[], unknown][] = [
    ...Object.entries(propertiesOf(node)).map(([key, value]): [string[], unknown] => [['properties', key], value]),
    [['items'], node.items],
    ...(branchesOf(node) ?? []).map((value, index): [string[], unknown] => [['anyOf', String(index)], value]),
    ...['$defs', 'definitions'].flatMap((defs) =>
      Object.entries(isRecord(node[defs]) ? node[defs] : {}).map(([key, value]): [string[], unknown] => [[defs, key], value]),
    ),
  ];
  for (const [suffix, child] of children) {
    if (!isRecord(child)) continue;
    const problem = strictProblemAt(root, child, [...path, ...suffix], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

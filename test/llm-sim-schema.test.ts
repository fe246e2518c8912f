// The simulator's schema walker and answer convention, without a server.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { answerForSchema, classifyAll, findIndicators } from '../src/llm-sim/answer.js';
import { conforms, defaultFor, strictSchemaProblem, type SchemaNode } from '../src/llm-sim/schema.js';
import { Indicator } from '../src/domain/indicator.js';
import { classifyWithRules } from '../src/stages/pipeline.js';

const ajv = new Ajv({ strict: false, validateFormats: false });

const TRICKY: SchemaNode = {
  type: 'object',
  definitions: {
    node: {
      type: 'object',
      properties: { label: { type: 'string', minLength: 2 }, children: { type: 'array', items: { $ref: '#/definitions/node' } } },
      required: ['label', 'children'],
      additionalProperties: false,
    },
  },
  properties: {
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    when: { type: 'string', format: 'date' },
    count: { type: 'integer', minimum: 3, maximum: 9 },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    step: { type: 'number', minimum: 1, multipleOf: 0.5 },
    flag: { type: ['boolean', 'null'] },
    kind: { enum: ['b', 'a'] },
    fixed: { const: 'sim' },
    pair: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    either: { anyOf: [{ type: 'number' }, { type: 'string' }] },
    tree: { $ref: '#/definitions/node' },
  },
  required: ['code', 'when', 'count', 'ratio', 'step', 'flag', 'kind', 'fixed', 'pair', 'either', 'tree'],
  additionalProperties: false,
};

describe('llm-sim schema walker', () => {
  it('makes defaults that validate: patterns, formats, bounds, unions, const, recursive $ref', () => {
    const value = defaultFor(TRICKY, TRICKY);
    expect(ajv.validate(TRICKY, value), JSON.stringify(ajv.errors)).toBe(true);
    expect(conforms(TRICKY, TRICKY, value)).toBe(true);
    expect(value).toMatchObject({ code: 'XXX', count: 3, flag: null, kind: 'b', fixed: 'sim', pair: [0, 0], tree: { children: [] } });
  });

  it('agrees with ajv on what does not conform', () => {
    const good = defaultFor(TRICKY, TRICKY) as Record<string, unknown>;
    for (const bad of [
      { ...good, code: 'abc' },
      { ...good, count: 2.5 },
      { ...good, extra: 1 },
      { ...good, pair: [1] },
      { ...good, kind: 'c' },
      { ...good, tree: { label: 'ok', children: [{ label: 'x', children: [] }] } },
    ]) {
      expect(ajv.validate(TRICKY, bad)).toBe(false);
      expect(conforms(TRICKY, TRICKY, bad)).toBe(false);
    }
  });

  it("reports strict-mode problems in OpenAI's words", () => {
    expect(strictSchemaProblem(TRICKY)).toBeUndefined();
    expect(strictSchemaProblem({ type: 'array', items: {} })).toBe(`schema must be a JSON Schema of 'type: "object"', got 'type: "array"'.`);
    expect(
      strictSchemaProblem({
        type: 'object',
        properties: { a: { type: 'object', properties: { b: { type: 'string' } }, required: [], additionalProperties: false } },
        required: ['a'],
        additionalProperties: false,
      }),
    ).toBe(
      "In context=('properties', 'a'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.",
    );
  });
});

describe('llm-sim answer convention', () => {
  const indicator = { id: 'CPI', name: 'Consumer Price Index', units: 'Index 2015=100', periodicity: 'Monthly' };

  it('finds the indicators object inside prose and code fences, and skips other JSON', () => {
    const text = `Context {"note": "not this"} and then:\n\`\`\`json\n{"task": {"indicators": [${JSON.stringify(indicator)}]}}\n\`\`\``;
    expect(findIndicators(text)).toEqual([indicator]);
    expect(findIndicators('no json here {')).toBeUndefined();
  });

  it('fills stage objects, aliases and defaults, keeps invalid indicators with their id', () => {
    const schema: SchemaNode = {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              indicator_id: { type: 'string' },
              cumulative_pattern: { type: 'string', enum: ['ytd', 'running-total', 'periodic', 'unknown'] },
              time: {
                type: 'object',
                properties: { reporting_frequency: { type: 'string' }, confidence: { type: 'number' } },
                required: ['reporting_frequency', 'confidence'],
                additionalProperties: false,
              },
              reason: { type: 'string' },
              other: { type: 'integer' },
            },
            required: ['indicator_id', 'cumulative_pattern', 'time', 'reason', 'other'],
            additionalProperties: false,
          },
        },
      },
      required: ['items'],
      additionalProperties: false,
    };
    const answer = answerForSchema(schema, classifyAll([indicator, { id: 7 }]));
    expect(ajv.validate(schema, answer)).toBe(true);
    const rules = classifyWithRules(Indicator.parse(indicator));
    expect(answer).toEqual({
      items: [
        {
          indicator_id: 'CPI',
          cumulative_pattern: rules.cumulative.pattern,
          time: { reporting_frequency: rules.time.reporting_frequency, confidence: rules.time.confidence },
          reason: `[llm-sim] ${rules.cumulative.reason}`,
          other: 0,
        },
        { indicator_id: '7', cumulative_pattern: 'ytd', time: { reporting_frequency: '', confidence: 0 }, reason: '', other: 0 },
      ],
    });
  });
});

/** Workflow keys and the content hash: pure, no server. */
import { describe, expect, test } from 'vitest';
import { canonicalJson, contentHash } from '../src/domain/content-hash.js';
import { Indicator } from '../src/domain/indicator.js';
import { parseWorkflowKey, policyOfKey, workflowKey } from '../src/workflow/keys.js';
import { policyTag } from '../src/workflow/policy-tag.js';

const gdp = Indicator.parse({ id: 'GDP.ALB', name: 'GDP Growth Rate', units: '%', sample_values: [{ date: '2024', value: 1.5 }] });

describe('contentHash', () => {
  test('is sha256 hex of the canonical JSON, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}');
    const reordered = Indicator.parse({ sample_values: [{ value: 1.5, date: '2024' }], units: '%', name: 'GDP Growth Rate', id: 'GDP.ALB' });
    expect(contentHash(reordered)).toBe(contentHash(gdp));
    expect(contentHash(gdp)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('hashes the validated form: spellings that validate alike hash alike', () => {
    const spelled = Indicator.parse({ id: ' GDP.ALB ', name: 'GDP Growth Rate ', units: '%', topic: '  ', sample_values: [{ date: 2024, value: '1.5' }] });
    expect(contentHash(spelled)).toBe(contentHash(gdp));
  });

  test('changes with any field', () => {
    expect(contentHash({ ...gdp, units: 'percent' })).not.toBe(contentHash(gdp));
    expect(contentHash({ ...gdp, sample_values: [{ date: '2024', value: 1.6 }] })).not.toBe(contentHash(gdp));
  });
});

const RULES = policyTag({ mode: 'rules' });
const hybrid = (model: string, promptVersion = 'v1', threshold = 0.7) =>
  policyTag({ mode: 'hybrid', threshold, provider: 'openai', model, promptVersion });

describe('policyTag', () => {
  test('names what decides the answers: mode, threshold (hybrid), provider, model, prompt version', () => {
    expect(RULES).toMatch(/^p[0-9a-f]{10}$/);
    expect(policyTag({ mode: 'rules' })).toBe(RULES);
    expect(hybrid('m1')).toBe(hybrid('m1'));
    const tags = [RULES, hybrid('m1'), hybrid('m2'), hybrid('m1', 'v2'), hybrid('m1', 'v1', 0.5),
      policyTag({ mode: 'llm', provider: 'openai', model: 'm1', promptVersion: 'v1' }),
      policyTag({ mode: 'llm', provider: 'anthropic', model: 'm1', promptVersion: 'v1' })];
    expect(new Set(tags).size).toBe(tags.length);
  });

  test('llm mode ignores the threshold (it asks every field)', () => {
    const llm = (threshold: number) => policyTag({ mode: 'llm', threshold, provider: 'openai', model: 'm1', promptVersion: 'v1' });
    expect(llm(0.2)).toBe(llm(0.9));
  });
});

describe('workflowKey', () => {
  test('a changed policy makes a new key; the same policy the same key', () => {
    const rules = workflowKey(gdp, { policy: RULES }).key;
    expect(rules).toBe(`${workflowKey(gdp).key}~${RULES}`);
    expect(workflowKey(gdp, { policy: RULES }).key).toBe(rules);
    expect(workflowKey(gdp, { policy: hybrid('m1') }).key).not.toBe(rules);
    expect(policyOfKey(rules)).toBe(RULES);
    expect(workflowKey(gdp, { policy: RULES, force: { runId: 'r1' } }).key).toBe(`${rules}~r1`);
    expect(() => workflowKey(gdp, { policy: 'rules' })).toThrow(/policy tag/);
  });

  test('same content, same key; changed content, new key', () => {
    const { key, contentHash: hash } = workflowKey(gdp);
    expect(hash).toBe(contentHash(gdp));
    expect(key).toBe(`GDP.ALB~${hash.slice(0, 16)}`);
    expect(workflowKey(Indicator.parse({ ...gdp })).key).toBe(key);
    expect(workflowKey({ ...gdp, name: 'GDP Growth Rate (QoQ)' }).key).not.toBe(key);
  });

  test('--force makes a new key per run', () => {
    const plain = workflowKey(gdp).key;
    expect(workflowKey(gdp, { force: { runId: 'r1' } }).key).toBe(`${plain}~r1`);
    expect(workflowKey(gdp, { force: { runId: 'r2' } }).key).not.toBe(workflowKey(gdp, { force: { runId: 'r1' } }).key);
  });

  test('rejects run ids that would make keys ambiguous', () => {
    for (const runId of ['', 'a~b', 'a/b', '0123456789abcdef', 'p0123456789']) {
      expect(() => workflowKey(gdp, { force: { runId } })).toThrow(/run id/);
    }
  });

  test('keeps any id readable and reads back from the right', () => {
    for (const id of ['a/b c', 'x~0123456789abcdef', 'ü?#%&=+', '~']) {
      const indicator = { ...gdp, id };
      const { key, contentHash: hash } = workflowKey(indicator);
      expect(key.startsWith(`${id}~`)).toBe(true);
      expect(parseWorkflowKey(key)).toEqual({ indicatorId: id, hash16: hash.slice(0, 16), policy: null, runId: null });
      const forced = workflowKey(indicator, { force: { runId: '01J-run' } }).key;
      expect(parseWorkflowKey(forced)).toEqual({ indicatorId: id, hash16: hash.slice(0, 16), policy: null, runId: '01J-run' });
      const tagged = workflowKey(indicator, { policy: RULES }).key;
      expect(parseWorkflowKey(tagged)).toEqual({ indicatorId: id, hash16: hash.slice(0, 16), policy: RULES, runId: null });
      const taggedForced = workflowKey(indicator, { policy: RULES, force: { runId: '01J-run' } }).key;
      expect(parseWorkflowKey(taggedForced)).toEqual({ indicatorId: id, hash16: hash.slice(0, 16), policy: RULES, runId: '01J-run' });
      expect(decodeURIComponent(encodeURIComponent(key))).toBe(key);
    }
    expect(parseWorkflowKey('no-hash')).toBeNull();
    expect(parseWorkflowKey('~0123456789abcdef')).toBeNull();
  });
});

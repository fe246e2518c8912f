// llm-sim's drop fault: one indicator of a batch answer left out (the answer still fits the schema).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../src/llm-sim/log.js';
import { startLlmSim, type LlmSim, type LlmSimOptions } from '../src/llm-sim/server.js';

const SCHEMA = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, family: { type: 'string' } },
        required: ['id', 'family'],
        additionalProperties: false,
      },
    },
  },
  required: ['results'],
  additionalProperties: false,
};

const sims: LlmSim[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function sim(options: LlmSimOptions): Promise<LlmSim> {
  const dir = await mkdtemp(join(tmpdir(), 'classify-sim-drop-'));
  dirs.push(dir);
  const started = await startLlmSim({ port: 0, seed: 1, logFile: join(dir, 'llm-sim.ndjson'), ...options });
  sims.push(started);
  return started;
}

async function ask(target: LlmSim, ids: readonly string[]): Promise<string[]> {
  const client = new OpenAI({ apiKey: 'sk-test-drop', baseURL: target.url, maxRetries: 0 });
  const indicators = ids.map((id) => ({ id, name: 'Exports', units: 'USD Million', periodicity: 'Monthly' }));
  const completion = await client.chat.completions.create({
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: JSON.stringify({ indicators }) }],
    response_format: { type: 'json_schema', json_schema: { name: 'answers', strict: true, schema: SCHEMA } },
  });
  const answer = JSON.parse(completion.choices[0]?.message.content ?? '{}') as { results: { id: string }[] };
  return answer.results.map((item) => item.id);
}

async function readLog(target: LlmSim): Promise<LogEntry[]> {
  const text = await readFile(target.logFile, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogEntry);
}

describe('llm-sim dropRate', () => {
  it('leaves one indicator out of a batch answer, never a single-indicator answer', async () => {
    const target = await sim({ dropRate: 1 });
    const batch = await ask(target, ['a', 'b', 'c']);
    expect(batch).toHaveLength(2);
    expect(new Set(batch).size).toBe(2);
    expect(['a', 'b', 'c']).toEqual(expect.arrayContaining(batch));
    expect(await ask(target, ['d'])).toEqual(['d']);
    const entries = await readLog(target);
    expect(entries.map((entry) => [entry.indicators, entry.fault])).toEqual([
      [3, 'dropped-item'],
      [1, null],
    ]);
    expect(target.stats().faults).toEqual({ 'dropped-item': 1 });
  });

  it('is off by default and seed-determined', async () => {
    expect(await ask(await sim({}), ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    const first = await ask(await sim({ dropRate: 0.5, seed: 7 }), ['a', 'b', 'c', 'd']);
    const second = await ask(await sim({ dropRate: 0.5, seed: 7 }), ['a', 'b', 'c', 'd']);
    expect(second).toEqual(first);
  });
});

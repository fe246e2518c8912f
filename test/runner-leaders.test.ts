import { describe, expect, it } from 'vitest';
import { createFollowerGate, type Candidate } from '../src/runner/leaders.js';
import type { LlmPolicy } from '../src/llm/plan.js';
import { indicator } from './db-helpers.js';

const LLM: LlmPolicy = { mode: 'llm', threshold: 0.7 };

/** Same name and units in another country: the same LLM questions. */
const gdp = (id: string): Candidate => ({ indicator: indicator(id, { country: id }), key: `k-${id}` });
const cpi = (id: string): Candidate => ({ indicator: indicator(id, { name: 'Consumer Price Index', units: 'points', country: id }), key: `k-${id}` });
const ids = (candidates: readonly Candidate[]): string[] => candidates.map((c) => c.indicator.id);

describe('follower gate', () => {
  it('submits the first asker of a question at once and holds the ones asking the same until it finishes', () => {
    const gate = createFollowerGate(LLM);
    expect(gate.admit(gdp('al'))).toBe(true);
    expect(gate.admit(gdp('de'))).toBe(false);
    expect(gate.admit(cpi('fr'))).toBe(true); // new questions: a leader of its own
    expect(gate.admit(gdp('it'))).toBe(false);
    expect(gate.held).toBe(2);
    expect(gate.takeReady()).toEqual([]);

    gate.finished('k-fr'); // another leader: releases nothing
    expect(gate.takeReady()).toEqual([]);
    gate.finished('k-al');
    expect(ids(gate.takeReady())).toEqual(['de', 'it']);
    expect(gate.held).toBe(0);
    expect(gate.followed).toBe(2);
  });

  it('lets a follower go at once when its leader already finished (its answers are cached)', () => {
    const gate = createFollowerGate(LLM);
    expect(gate.admit(gdp('al'))).toBe(true);
    gate.finished('k-al');
    expect(gate.admit(gdp('de'))).toBe(true);
    expect(gate.held).toBe(0);
  });

  it('a leader that failed or was refused releases its followers too: they ask themselves', () => {
    const gate = createFollowerGate(LLM);
    gate.admit(gdp('al'));
    gate.admit(gdp('de'));
    gate.finished('k-al');
    expect(ids(gate.takeReady())).toEqual(['de']);
  });

  it('holds nothing in hybrid mode for an indicator whose rules are sure (no question)', () => {
    const gate = createFollowerGate({ mode: 'hybrid', threshold: 0 });
    expect(gate.admit(gdp('al'))).toBe(true);
    expect(gate.admit(gdp('de'))).toBe(true);
    expect(gate.followed).toBe(0);
  });
});

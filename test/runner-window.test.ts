// The submission window holds at `max` outstanding until enough finish, and lets everything through
// once the run stops; the completion tracker counts each key once and only asks about pending ones.
import { describe, expect, it } from 'vitest';
import { trackCompletions } from '../src/runner/completions.js';
import { submissionWindow } from '../src/runner/window.js';
import type { Finished } from '../src/db/progress.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('submissionWindow', () => {
  it('lets max through, then holds until enough finish', async () => {
    const state = { submitted: 0, finished: 0 };
    const window = submissionWindow({ max: 3, outstanding: () => state.submitted - state.finished, pollMs: 5 });
    for (let i = 0; i < 3; i++) {
      await window.room();
      state.submitted += 1;
    }
    let fourth = false;
    const waiting = window.room().then(() => {
      fourth = true;
    });
    await tick(30);
    expect(fourth).toBe(false);
    state.finished = 2;
    await waiting;
    expect(fourth).toBe(true);
  });

  it('returns at once when the run stops', async () => {
    const abort = new AbortController();
    const window = submissionWindow({ max: 1, outstanding: () => 1, pollMs: 10_000, signal: abort.signal });
    const held = window.room();
    abort.abort();
    await held;
    await window.room(); // and stays open
  });
});

describe('trackCompletions', () => {
  it('counts each finished key once, never backwards, and asks only about pending keys', async () => {
    const done = new Map<string, Finished>();
    const asked: string[][] = [];
    const completions = trackCompletions((keys) => {
      asked.push([...keys]);
      return Promise.resolve(new Map([...done].filter(([key]) => keys.includes(key))));
    });
    for (const key of ['a', 'b', 'c']) completions.add(key, 1_000);
    done.set('a', { outcome: 'completed', savedAt: new Date(1_250) });
    expect(await completions.poll()).toBe(1);
    done.set('b', { outcome: 'failed', savedAt: null });
    expect(await completions.poll()).toBe(1);
    expect(asked.at(-1)).toEqual(['b', 'c']);
    // A lookup that still reports a finished key (a replayed save) changes nothing.
    expect(await completions.poll()).toBe(0);
    expect(asked.at(-1)).toEqual(['c']);
    expect({ completed: completions.completed, failed: completions.failed, pending: completions.pending }).toEqual({ completed: 1, failed: 1, pending: 1 });
    expect(completions.failedKeys).toEqual(['b']);
    expect({ savedAt: completions.savedAt, latencies: completions.latencies }).toEqual({ savedAt: [1_250], latencies: [250] });
    // A key an earlier run finished (saved before this submission) counts, but is not timed.
    completions.add('old', 5_000);
    done.set('old', { outcome: 'completed', savedAt: new Date(2_000) });
    await completions.poll();
    expect({ completed: completions.completed, latencies: completions.latencies }).toEqual({ completed: 2, latencies: [250] });
  });
});

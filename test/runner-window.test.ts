// The submission window holds at `max` outstanding until enough finish, and lets everything through
// once the run stops; the completion tracker counts each submitted key once, from the run's change
// feed, and asks by key only about the keys the engine already knew.
import { describe, expect, it } from 'vitest';
import { trackCompletions } from '../src/runner/completions.js';
import { submissionWindow } from '../src/runner/window.js';
import type { Change } from '../src/db/changes.js';
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
  /** A feed the test writes to: each poll takes what was written since the last one. */
  function sources() {
    const written: Change[] = [];
    const byKey = new Map<string, Finished>();
    const asked: string[][] = [];
    return {
      written,
      byKey,
      asked,
      changes: () => Promise.resolve(written.splice(0)),
      lookup: (keys: readonly string[]) => {
        asked.push([...keys]);
        return Promise.resolve(new Map([...byKey].filter(([key]) => keys.includes(key))));
      },
    };
  }
  const saved = (key: string, at: number): Change => ({ key, outcome: 'completed', savedAt: new Date(at) });
  const failed = (key: string): Change => ({ key, outcome: 'failed', savedAt: null });

  it('counts each finished key once, never backwards, from the changes alone', async () => {
    const feed = sources();
    const completions = trackCompletions(feed);
    for (const key of ['a', 'b', 'c']) completions.add(key, 1_000);
    feed.written.push(saved('a', 1_250));
    expect(await completions.poll()).toBe(1);
    feed.written.push(failed('b'));
    // A save written again (a replay from another process) is a change, but its key already finished.
    feed.written.push(saved('a', 1_300));
    expect(await completions.poll()).toBe(1);
    expect(await completions.poll()).toBe(0);
    expect({ completed: completions.completed, failed: completions.failed, pending: completions.pending }).toEqual({ completed: 1, failed: 1, pending: 1 });
    expect(completions.failedKeys).toEqual(['b']);
    expect({ savedAt: completions.savedAt, latencies: completions.latencies }).toEqual({ savedAt: [1_250], latencies: [250] });
    // No key the engine already knew: nothing is asked by key.
    expect(feed.asked).toEqual([]);
  });

  it('asks by key only about the keys the engine already knew, until they finish', async () => {
    const feed = sources();
    const completions = trackCompletions(feed);
    completions.add('new', 1_000);
    completions.add('old', 5_000, true);
    completions.add('retried', 5_000, true);
    // An earlier run saved "old" (under its own run id, before this submission): counted, not timed.
    feed.byKey.set('old', { outcome: 'completed', savedAt: new Date(2_000) });
    expect(await completions.poll()).toBe(1);
    expect(feed.asked).toEqual([['old', 'retried']]);
    // A duplicate of this run's own send (a retry after a lost answer) finishes through the feed.
    feed.written.push(saved('retried', 5_400), saved('new', 1_100));
    expect(await completions.poll()).toBe(2);
    expect(await completions.poll()).toBe(0);
    expect(feed.asked).toEqual([['old', 'retried']]);
    expect({ completed: completions.completed, pending: completions.pending, latencies: completions.latencies }).toEqual({ completed: 3, pending: 0, latencies: [400, 100] });
  });

  it('keeps a row whose key is not added yet until it is, and drops unclaimed rows after a while', async () => {
    const feed = sources();
    let now = 0;
    const completions = trackCompletions(feed, { now: () => now, unclaimedTtlMs: 1_000 });
    // The workflow finished before the runner had the engine's answer to its submission.
    feed.written.push(saved('early', 1_200), failed('refused'));
    expect(await completions.poll()).toBe(0);
    completions.add('early', 1_000);
    expect(completions.pending).toBe(1);
    expect(await completions.poll()).toBe(1);
    expect({ completed: completions.completed, pending: completions.pending, latencies: completions.latencies }).toEqual({ completed: 1, pending: 0, latencies: [200] });
    // "refused" is never added (a submission the engine refused is counted by the submitter): it expires.
    now = 2_000;
    await completions.poll();
    completions.add('refused', 2_000);
    expect(await completions.poll()).toBe(0);
    expect(completions.pending).toBe(1);
  });

  it('asks the engine about keys pending a while, at most once per interval, and counts those it ended as failed', async () => {
    const feed = sources();
    let now = 0;
    const askedEngine: string[][] = [];
    const refused = new Set(['refused']);
    const completions = trackCompletions(
      {
        ...feed,
        endedInEngine: (keys) => {
          askedEngine.push([...keys]);
          return Promise.resolve(new Map(keys.filter((key) => refused.has(key)).map((key) => [key, { outcome: 'failed', savedAt: null } as const])));
        },
      },
      { now: () => now, engineCheckMs: 1_000 },
    );
    completions.add('refused', 0);
    completions.add('slow', 0);
    now = 500;
    completions.add('young', 500);
    expect(await completions.poll()).toBe(0);
    // Not yet an interval since the tracker started: the engine is not asked.
    expect(askedEngine).toEqual([]);
    now = 1_200;
    expect(await completions.poll()).toBe(1);
    // Only the keys pending an interval or more; "young" is not asked about yet.
    expect(askedEngine).toEqual([['refused', 'slow']]);
    expect({ failed: completions.failed, failedKeys: completions.failedKeys, pending: completions.pending }).toEqual({ failed: 1, failedKeys: ['refused'], pending: 2 });
    now = 1_900;
    await completions.poll();
    expect(askedEngine).toHaveLength(1);
    now = 2_300;
    await completions.poll();
    expect(askedEngine).toEqual([['refused', 'slow'], ['slow', 'young']]);
  });
});

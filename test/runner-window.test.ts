// The submission window: at most `max` submitted and unfinished; it asks how many are outstanding
// only when it looks full, and a stalled engine cannot hang a run behind it.
import { describe, expect, it } from 'vitest';
import { submissionWindow } from '../src/runner/window.js';

/** A fake run: `submitted` counts what the window let through, `finished` is moved by the test. */
function fakeRun() {
  const state = { submitted: 0, finished: 0, checks: 0 };
  const outstanding = () => {
    state.checks += 1;
    return Promise.resolve(state.submitted - state.finished);
  };
  return { state, outstanding };
}

describe('submissionWindow', () => {
  it('lets max through without asking, then holds until enough finish', async () => {
    const { state, outstanding } = fakeRun();
    const window = submissionWindow({ max: 3, outstanding, pollMs: 5, stallTimeoutMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      await window.room();
      state.submitted += 1;
    }
    expect(state.checks).toBe(0);

    let fourth = false;
    const waiting = window.room().then(() => {
      fourth = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fourth).toBe(false);
    expect(state.checks).toBeGreaterThan(0);

    state.finished = 2; // two finished: room for two more before the next check
    await waiting;
    state.submitted += 1;
    const checks = state.checks;
    await window.room();
    state.submitted += 1;
    expect(state.checks).toBe(checks);
    expect(state.submitted - state.finished).toBe(3);
  });

  it('stops holding back when nothing finishes for the stall timeout', async () => {
    const { state, outstanding } = fakeRun();
    let clock = 0;
    const window = submissionWindow({ max: 1, outstanding, pollMs: 1, stallTimeoutMs: 100, now: () => clock });
    await window.room();
    state.submitted += 1;
    const held = window.room();
    clock = 101;
    await held; // released by the stall, not by a finish
    expect(state.finished).toBe(0);
    await window.room(); // and stays open
  });

  it('returns at once when the run is interrupted', async () => {
    const { state, outstanding } = fakeRun();
    const abort = new AbortController();
    const window = submissionWindow({ max: 1, outstanding, pollMs: 10_000, stallTimeoutMs: 60_000, signal: abort.signal });
    await window.room();
    state.submitted += 1;
    const held = window.room();
    abort.abort();
    await held;
  });
});

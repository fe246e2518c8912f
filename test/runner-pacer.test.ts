import { describe, expect, it } from 'vitest';
import { perMinute } from '../src/runner/pacer.js';

/** A clock that only moves when the pacer sleeps, by the wait plus a fixed lateness (a busy machine's timers). */
function lateClock(latenessMs: number) {
  let t = 0;
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms + latenessMs;
      return Promise.resolve();
    },
  };
}

async function elapsedFor(takes: number, rate: number, latenessMs: number): Promise<number> {
  const clock = lateClock(latenessMs);
  const pacer = perMinute(rate, clock);
  for (let i = 0; i < takes; i += 1) await pacer.take();
  return clock.now();
}

describe('perMinute pacer', () => {
  it('spaces takes at the rate: 800 takes at 800/min span a minute, less the first', async () => {
    const elapsed = await elapsedFor(800, 800, 0);
    expect(elapsed).toBeCloseTo((799 / 800) * 60_000, -1);
  });

  it('holds the rate when every timer fires late: the delay is made up, not lost', async () => {
    // 10 ms late per 75-ms wait used to cost ~12 % of the rate.
    const elapsed = await elapsedFor(800, 800, 10);
    const rate = (800 / elapsed) * 60_000;
    expect(rate).toBeGreaterThan(800 * 0.99);
    expect(rate).toBeLessThanOrEqual(800 * 1.01);
  });

  it('never bursts beyond one second of the rate after an idle spell', async () => {
    const clock = lateClock(0);
    const pacer = perMinute(600, clock);
    await pacer.take();
    await clock.sleep(60_000); // idle for a minute
    const before = clock.now();
    for (let i = 0; i < 10; i += 1) await pacer.take(); // a burst of 600/60 = 10 is free
    expect(clock.now()).toBe(before);
    await pacer.take();
    expect(clock.now()).toBeGreaterThan(before);
  });

  it('a new rate applies to the next take', async () => {
    const clock = lateClock(0);
    const pacer = perMinute(60, clock);
    await pacer.take();
    pacer.setRate(6_000);
    const before = clock.now();
    await pacer.take();
    expect(clock.now() - before).toBeLessThanOrEqual(10);
  });
});

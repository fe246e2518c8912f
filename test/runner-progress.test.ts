// The run's progress line: the plan as its total, a moving rate against the target, an ETA, and
// the LLM's requests and tokens per minute against its cap with the dollars so far.
import { describe, expect, it } from 'vitest';
import { consoleProgress, formatDuration, type ProgressState } from '../src/runner/progress.js';

/** A stream that is not a terminal, keeping what was written. */
function logStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

const base: ProgressState = { planned: 1_000, submitted: 0, completed: 0, failed: 0, targetIpm: 600, rpmCap: 60, tpmCap: null, llm: null };

describe('consoleProgress without a terminal', () => {
  it('writes a line every 5 s with the rate against the target, the ETA and the LLM load', () => {
    let clock = 0;
    const { stream, lines } = logStream();
    const progress = consoleProgress(stream, () => clock);
    progress.start(base);
    clock = 1_000;
    progress.update({ ...base, submitted: 20 });
    expect(lines).toEqual([]); // not 5 s yet
    clock = 5_000;
    progress.update({ ...base, submitted: 60, completed: 40, llm: { attempts: 4, requests: 4, tokens: 8_000, cost_usd: 0.01 } });
    clock = 10_000;
    progress.update({ ...base, tpmCap: 120_000, submitted: 110, completed: 89, failed: 1, llm: { attempts: 9, requests: 9, tokens: 18_000, cost_usd: 0.0225 } });
    expect(lines).toEqual([
      'progress: 40 of 1000 done (40 completed, 0 failed), 60 submitted, 20 in flight; 480/min (target 600), ETA 2m 0s; LLM 48 req/min (cap 60), 96k tokens/min, $0.0100 so far',
      'progress: 90 of 1000 done (89 completed, 1 failed), 110 submitted, 20 in flight; 540/min (target 600), ETA 1m 41s; LLM 54 req/min (cap 60), 108k tokens/min (cap 120k), $0.0225 so far',
    ]);
  });

  it('says when nothing is finishing, and formats durations', () => {
    let clock = 0;
    const { stream, lines } = logStream();
    const progress = consoleProgress(stream, () => clock);
    const stuck = { ...base, targetIpm: null, submitted: 10 };
    progress.start(stuck);
    clock = 6_000;
    progress.update(stuck);
    expect(lines).toEqual(['progress: 0 of 1000 done (0 completed, 0 failed), 10 submitted, 10 in flight; 0/min, ETA unknown (nothing finishing)']);
    expect([formatDuration(59_400), formatDuration(61_000), formatDuration(3_720_000)]).toEqual(['59s', '1m 1s', '1h 2m']);
  });
});

/** The Bench view's report (src/web/bench.ts): the newest system report, whatever else shares the folder. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestBenchReport } from '../src/web/bench.js';

let dir = '';
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('latest bench report', () => {
  it('picks the system report started last, skipping other benches and unreadable files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'classify-bench-view-'));
    const write = (name: string, body: unknown) => writeFile(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
    await write('b.json', { bench: 'system', started_at: '2026-12-01T10:00:00.000Z', efficiency: [] });
    // Sorted after b.json by name but started earlier: the date decides, not the name.
    await write('c.json', { bench: 'system', started_at: '2026-11-30T10:00:00.000Z' });
    await write('d.json', { bench: 'dashboard', started_at: '2026-12-02T10:00:00.000Z' });
    await write('e.json', '{ not json');
    await write('notes.txt', 'x');
    const latest = await latestBenchReport(dir);
    expect(latest?.file).toBe(join(dir, 'b.json'));
    expect(latest?.report).toMatchObject({ bench: 'system', efficiency: [] });
    expect(await latestBenchReport(join(dir, 'missing'))).toBeNull();
  });
});

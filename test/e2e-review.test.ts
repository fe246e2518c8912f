/**
 * The review queue end to end (issue 13, point 2), as a team uses it: a real run (rules mode, the
 * built `classify` in child processes, a real restate-server, PGlite — and Postgres with
 * TEST_DATABASE_URL), then `classify review` from the terminal. An override shows in `classify
 * export` with source override, a `--force` run keeps it (the machine's row is rewritten, the
 * override still wins), a type outside its family is refused and records nothing, a changed
 * indicator keeps its override and flags it for re-review, accepted and overridden fields leave the
 * queue, a group is reviewed at once, and `review export` is read back by `classify eval --labels`.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePage } from '../src/review/queue.js';
import { BACKENDS, classify, explain, generateCatalog, removeRoot, scenariosPerTest, type Scenario } from './e2e-helpers.js';

const COUNT = 40;
const STALL = ['--stall-timeout', '120'];
// Three runs on a shared 2-core machine: 364 s alone, over 400 s beside other work.
const TEST_TIMEOUT = 900_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-e2e-review-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 13);
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

type Exported = Record<string, string | number | boolean | null>;

async function exported(world: Scenario): Promise<Map<string, Exported>> {
  const result = await classify(world, ['export', '--format', 'ndjson']);
  expect(result.code, explain(result)).toBe(0);
  const rows = result.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Exported);
  return new Map(rows.map((row) => [String(row.indicator_id), row]));
}

async function queue(world: Scenario, ...args: string[]): Promise<QueuePage> {
  const result = await classify(world, ['review', 'list', '--json', '--limit', '10000', ...args]);
  expect(result.code, explain(result)).toBe(0);
  return JSON.parse(result.stdout) as QueuePage;
}

const concept = (name: string): string => name.toLowerCase().replace(/[^a-z0-9%]+/g, ' ').trim();

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`review queue (${backend.name})`, () => {
    const scenario = scenariosPerTest(() => root, backend.name, HOOK_TIMEOUT);

    it('overrides win on export, survive a --force run, are checked against the taxonomy and flagged when the content changes', async () => {
      const world = await scenario();
      world.env.CLASSIFY_REVIEWER = 'ana';
      const run = await classify(world, ['run', '--catalog', catalog, '--mode', 'rules', ...STALL], 240_000);
      expect(run.code, explain(run)).toBe(0);
      if (backend.name === 'pglite') expect((await classify(world, ['db', 'start'])).code).toBe(0);

      const before = await exported(world);
      expect(before.size).toBe(COUNT);
      const queued = await queue(world);
      expect(queued.items.length).toBeGreaterThan(0);
      // Every queued field says why; rules mode has no LLM to disagree with.
      for (const item of queued.items) expect(item.reasons.length).toBeGreaterThan(0);
      expect(queued.items.flatMap((item) => item.reasons)).not.toContain('rules-llm-disagree');

      // An orientation override on an indicator whose orientation is queued.
      const target = queued.items.find((item) => item.field === 'orientation');
      if (target === undefined) throw new Error('no orientation queued');
      const id = target.indicator_id;
      const machine = String(before.get(id)?.orientation);
      const wanted = machine === 'lower-is-positive' ? 'higher-is-positive' : 'lower-is-positive';

      // Refused: a type outside the family; a value outside the taxonomy; no reviewer. Nothing recorded
      // (the export below shows the one override made after these).
      const family = String(before.get(id)?.family);
      const foreignType = family === 'price-value' ? 'stock' : 'price';
      const outside = await classify(world, ['review', 'override', id, 'type', foreignType]);
      expect(outside.code).toBe(1);
      expect(outside.stderr).toContain(`type "${foreignType}" does not belong to family "${family}"`);
      const bogus = await classify(world, ['review', 'override', id, 'orientation', 'sideways']);
      expect(bogus.code).toBe(1);
      expect(bogus.stderr).toContain('"sideways" is not a valid orientation');
      const anonymous = await classify({ ...world, env: { ...world.env, CLASSIFY_REVIEWER: '' } }, ['review', 'override', id, 'orientation', wanted]);
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toContain('who is reviewing?');

      const noted = await classify(world, ['review', 'override', id, 'orientation', wanted, '--note', 'imports up is bad here', '--reviewer', 'bo']);
      expect(noted.code, explain(noted)).toBe(0);
      expect(noted.stdout).toContain(`overrode 1 fields of ${id} as bo`);

      const after = await exported(world);
      expect(after.get(id)).toMatchObject({ orientation: wanted, orientation_source: 'override', overridden: 'orientation', override_needs_rereview: false });
      // Nothing else changed.
      for (const [other, row] of before) if (other !== id) expect(after.get(other)).toMatchObject({ orientation: row.orientation, overridden: null });
      // Off the queue.
      expect((await queue(world)).items.filter((item) => item.indicator_id === id && item.field === 'orientation')).toEqual([]);

      // Accepting a queued field takes it off the queue too.
      const accepted = queued.items.find((item) => item.indicator_id !== id);
      if (accepted === undefined) throw new Error('a second queued field expected');
      const accept = await classify(world, ['review', 'accept', accepted.indicator_id, accepted.field]);
      expect(accept.code, explain(accept)).toBe(0);
      expect((await queue(world)).items.filter((item) => item.indicator_id === accepted.indicator_id && item.field === accepted.field)).toEqual([]);

      // A group at once: every member of the largest concept gets its family accepted.
      const names = new Map([...before.values()].map((row) => [String(row.indicator_id), concept(String(row.name))]));
      const counts = new Map<string, number>();
      for (const name of names.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
      const [group, size] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
      expect(size).toBeGreaterThan(1);
      const grouped = await classify(world, ['review', 'accept', group, 'family', '--group']);
      expect(grouped.code, explain(grouped)).toBe(0);
      expect(grouped.stdout).toContain(`accepted ${size} fields of group "${group}" (${size} indicators)`);

      // A forced run rewrites every machine row; the override still wins.
      const forced = await classify(world, ['run', '--force', '--mode', 'rules', ...STALL], 240_000);
      expect(forced.code, explain(forced)).toBe(0);
      const rerun = await exported(world);
      expect(rerun.get(id)?.run_id).not.toBe(after.get(id)?.run_id);
      expect(rerun.get(id)).toMatchObject({ orientation: wanted, orientation_source: 'override', overridden: 'orientation' });

      // The reviewed rows as a labeled set, read back by eval.
      const labels = join(world.dataDir, 'reviewed.jsonl');
      const reviewExport = await classify(world, ['review', 'export', '--out', labels]);
      expect(reviewExport.code, explain(reviewExport)).toBe(0);
      const reviewedIds = new Set([id, accepted.indicator_id, ...[...names].filter(([, name]) => name === group).map(([other]) => other)]);
      expect(reviewExport.stdout).toContain(`exported ${reviewedIds.size} reviewed indicators`);
      const lines = (await readFile(labels, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; expected: Record<string, unknown>; reviewed: Record<string, string> });
      expect(new Set(lines.map((line) => line.id))).toEqual(reviewedIds);
      expect(lines.find((line) => line.id === id)).toMatchObject({ expected: { orientation: wanted }, reviewed: { orientation: 'override' } });
      const evaluated = await classify(world, ['eval', '--labels', labels, '--json']);
      expect(evaluated.code, explain(evaluated)).toBe(0);
      const report = JSON.parse(evaluated.stdout) as { total: number; fields: { orientation: { agree: number; total: number } } };
      expect(report.total).toBe(reviewedIds.size);
      // The rules said `machine` for the overridden one: eval counts it as a disagreement.
      expect(report.fields.orientation.agree).toBeLessThan(report.fields.orientation.total);

      // The indicator's content changes: the override is kept and flagged, and queued again.
      const text = await readFile(catalog, 'utf8');
      const changed = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const row = JSON.parse(line) as { id: string; description?: string | null };
          return JSON.stringify(row.id === id ? { ...row, description: `${row.description ?? ''} (revised)` } : row);
        });
      const changedCatalog = join(world.dataDir, 'changed.ndjson');
      await writeFile(changedCatalog, `${changed.join('\n')}\n`);
      const imported = await classify(world, ['import', changedCatalog]);
      expect(imported.code, explain(imported)).toBe(0);
      expect((await exported(world)).get(id)).toMatchObject({ orientation: wanted, orientation_source: 'override', override_needs_rereview: true });
      const again = await queue(world, '--reason', 'content-changed');
      expect(again.items.map((item) => [item.indicator_id, item.field, item.value, item.machine_value])).toEqual([[id, 'orientation', wanted, machine]]);
      // A run of the changed content keeps it too.
      const plain = await classify(world, ['run', '--mode', 'rules', ...STALL], 240_000);
      expect(plain.code, explain(plain)).toBe(0);
      expect((await exported(world)).get(id)).toMatchObject({ orientation: wanted, orientation_source: 'override', override_needs_rereview: true });

      if (backend.name === 'pglite') await classify(world, ['db', 'stop']);
    }, TEST_TIMEOUT);
  });
}

/**
 * The dashboard as a user runs it: `classify dashboard` and `classify run` as separate processes on
 * one database (the embedded PGlite, served by the daemon the dashboard starts; Postgres too with
 * TEST_DATABASE_URL). The API is read while the run works and after it: the live view moves, the
 * table pages through every row exactly once, filters and search narrow it. And the token rule.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationPage, Distributions, IndicatorDetail, RunRow } from '../src/db/read-models.js';
import type { LiveRun } from '../src/web/live.js';
import {
  BACKENDS,
  catalogIds,
  classify,
  explain,
  generateCatalog,
  removeRoot,
  scenariosPerTest,
  startClassify,
  waitFor,
  type Child,
  type Scenario,
} from './e2e-helpers.js';

const COUNT = 200;
/** 10 a second: the run lasts ~20 s, long enough to watch it move. */
const PACED_IPM = '600';
const TEST_TIMEOUT = 180_000;
const HOOK_TIMEOUT = 90_000;

let root = '';
let catalog = '';
let ids: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'classify-dashboard-'));
  catalog = join(root, 'catalog.ndjson');
  await generateCatalog(catalog, COUNT, 13);
  ids = (await catalogIds(catalog)).sort();
}, HOOK_TIMEOUT);

afterAll(async () => {
  expect(await removeRoot(root)).toEqual([]);
}, HOOK_TIMEOUT);

/** Starts `classify dashboard` and waits for the URL it prints. */
async function startDashboard(scenario: Scenario, args: readonly string[] = []): Promise<{ child: Child; url: string }> {
  const child = startClassify(scenario, ['dashboard', '--port', '0', ...args]);
  const printed = await waitFor('the dashboard to print its URL', () => {
    const match = /^dashboard: (http:\/\/\S+)/m.exec(child.output().stdout);
    if (match?.[1] !== undefined) return Promise.resolve(match[1]);
    if (!child.running()) throw new Error(`dashboard exited:\n${child.output().stderr}`);
    return Promise.resolve(undefined);
  }, 90_000, 100);
  // Listening on every interface: this machine reaches it on loopback.
  return { child, url: printed.replace('//0.0.0.0:', '//127.0.0.1:') };
}

/** The JSON an API answered, typed as the caller expects (the answer is the read model's own type). */
async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

interface RunsAnswer {
  readonly runs: RunRow[];
  readonly live: LiveRun | null;
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`dashboard (${backend.name})`, () => {
    const scenario = scenariosPerTest(() => root, backend.name, HOOK_TIMEOUT);

    it('shows a run live while it works, then pages, filters and searches every classification', async () => {
      const world = await scenario();
      const { child: dashboard, url } = await startDashboard(world);
      expect((await getJson(`${url}api/runs`)).body).toEqual({ runs: [], live: null });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
      expect((await fetch(`${url}assets/uPlot.esm.js`)).status).toBe(200);

      const run = startClassify(world, ['run', '--catalog', catalog, '--mode', 'rules', '--ipm', PACED_IPM, '--stall-timeout', '60']);
      const live = async (atLeast: number) =>
        waitFor(`the live view to show ${atLeast} done`, async () => {
          const body = (await getJson(`${url}api/runs`)).body as RunsAnswer;
          return body.live !== null && body.live.completed >= atLeast ? body.live : undefined;
        }, 90_000, 250);
      const early = await live(10);
      expect(early.planned).toBe(COUNT);
      expect(early.target_ipm).toBe(600);
      expect(early.completed).toBeLessThan(COUNT);
      const later = await live(early.completed + 30);
      expect(later.run_id).toBe(early.run_id);
      // Over a second into the run there is a rate, worded as `classify run` words it.
      expect(later.completions_per_min).not.toBeNull();
      expect(later.line).toMatch(/^\d+\/min \(target 600\), ETA /);

      const finished = await run.done;
      expect(finished.code, explain(finished)).toBe(0);
      const after = (await getJson(`${url}api/runs`)).body as RunsAnswer;
      expect(after.live).toBeNull();
      expect(after.runs).toHaveLength(1);
      expect(after.runs[0]).toMatchObject({ id: early.run_id, mode: 'rules', status: 'completed', completed: COUNT, failed: 0 });

      // Keyset paging: every classification once, in id order, whatever the page size.
      const seen: string[] = [];
      let next: string | null = null;
      do {
        const query: string = next === null ? 'limit=37' : `limit=37&after=${encodeURIComponent(next)}`;
        const body = (await getJson(`${url}api/classifications?${query}`)).body as ClassificationPage;
        seen.push(...body.rows.map((row) => row.indicator_id));
        next = body.next;
      } while (next !== null);
      expect(seen).toEqual(ids);

      // A filter narrows the table to exactly the rows the distribution counts.
      const distributions = (await getJson(`${url}api/distributions`)).body as Distributions;
      expect(distributions.total).toBe(COUNT);
      const top = distributions.familyType[0];
      if (top === undefined) throw new Error('no distribution');
      const filtered = (await getJson(`${url}api/classifications?family=${top.family}&type=${top.type}&limit=500`)).body as ClassificationPage;
      expect(filtered.rows.length).toBe(top.count);
      expect(filtered.rows.length).toBeLessThan(COUNT);
      expect(filtered.rows.every((row) => row.family === top.family && row.type === top.type)).toBe(true);

      // Search by id (its start) and by a part of the name, case-insensitively.
      const sample = filtered.rows[0];
      if (sample === undefined || sample.name === null) throw new Error('no sample row');
      const byId = (await getJson(`${url}api/classifications?q=${encodeURIComponent(sample.indicator_id)}`)).body as ClassificationPage;
      expect(byId.rows.map((row) => row.indicator_id)).toContain(sample.indicator_id);
      const word = sample.name.split(' ').find((w) => w.length > 3) ?? sample.name;
      const byName = (await getJson(`${url}api/classifications?q=${encodeURIComponent(word.toUpperCase())}&limit=500`)).body as ClassificationPage;
      expect(byName.rows.map((row) => row.indicator_id)).toContain(sample.indicator_id);
      expect(byName.rows.every((row) => row.name?.toLowerCase().includes(word.toLowerCase()) === true || row.indicator_id.startsWith(word.toUpperCase()))).toBe(true);

      // One indicator: each stage's row with its confidence and reason.
      const detail = (await getJson(`${url}api/indicator?id=${encodeURIComponent(sample.indicator_id)}`)).body as IndicatorDetail;
      expect(detail.classification).toMatchObject({ indicator_id: sample.indicator_id, family: top.family, type: top.type });
      expect(detail.stages).toHaveLength(6);
      for (const stage of detail.stages) expect(stage.row).toMatchObject({ indicator_id: sample.indicator_id, source: 'rules', reason: expect.any(String) as string, confidence: expect.any(Number) as number });

      expect((await fetch(`${url}api/classifications?family=nope`)).status).toBe(400);
      expect((await fetch(`${url}api/indicator?id=NO-SUCH-ID`)).status).toBe(404);
      const health = (await getJson(`${url}api/health`)).body as { database: { reachable: boolean }; rows: { classifications: number } };
      expect(health.database.reachable).toBe(true);
      expect(health.rows.classifications).toBe(COUNT);

      process.kill(dashboard.pid, 'SIGTERM');
      expect((await dashboard.done).code).toBe(0);
    }, TEST_TIMEOUT);
  });
}

describe('dashboard token rule', () => {
  const scenario = scenariosPerTest(() => root, 'pglite', HOOK_TIMEOUT);

  it('refuses another host without a token, and with one answers only requests that carry it', async () => {
    const world = await scenario();
    const refused = await classify(world, ['dashboard', '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without a token.*CLASSIFY_DASHBOARD_TOKEN/);

    const token = 'test-token-42';
    world.env.CLASSIFY_DASHBOARD_TOKEN = token;
    const { url } = await startDashboard(world, ['--host', '0.0.0.0']);
    for (const path of ['', 'assets/app.js', 'api/runs', 'api/classifications']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, path).toBe(401);
      expect((await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status, path).toBe(200);
    }
    // The page is opened with ?token=…: the answer sets a cookie that the page's own requests carry.
    const opened = await fetch(`${url}?token=${token}`);
    expect(opened.status).toBe(200);
    const cookie = opened.headers.get('set-cookie')?.split(';')[0];
    expect(cookie).toBe(`classify_dashboard_token=${token}`);
    expect((await fetch(`${url}api/runs`, { headers: { cookie: cookie ?? '' } })).status).toBe(200);
    expect((await fetch(`${url}api/runs`, { headers: { cookie: 'classify_dashboard_token=nope' } })).status).toBe(401);
  }, TEST_TIMEOUT);
});

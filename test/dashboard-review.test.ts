/**
 * The review queue over HTTP (src/web/review.ts): the dashboard's app on a real HTTP server over a
 * real database of rules classifications (PGlite; Postgres too with TEST_DATABASE_URL). The queue
 * lists and pages like `classify review list`; accept and override record reviews (one indicator, a
 * whole group); a type outside its family is refused with 422 and records nothing; a write without
 * JSON (415), from a foreign origin (403), or without the token (401) too; without a token, any request
 * naming a host that is not loopback (DNS rebinding) is refused (403).
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCatalog } from '../src/catalog/generate/index.js';
import { upsertIndicators } from '../src/db/indicators.js';
import { reviewsInForce } from '../src/db/overrides.js';
import { CONCEPT } from '../src/db/read-models.js';
import { Indicator } from '../src/domain/indicator.js';
import { FAMILY_TYPES, Family } from '../src/domain/taxonomy.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../src/llm/plan.js';
import type { QueueItem, QueuePage } from '../src/review/queue.js';
import { createApp } from '../src/web/app.js';
import type { ReviewQueueResponse } from '../src/web/review.js';
import { loadAssets } from '../src/web/assets.js';
import { listen, type Listening } from '../src/web/server.js';
import { BACKENDS, saveRulesClassifications, useDatabase } from './db-helpers.js';

const COUNT = 120;

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A POST with headers fetch will not send as given (Host); resolves to the status. */
function rawRequest(url: string, method: 'GET' | 'POST', body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`review API (${backend.name})`, () => {
    const test = useDatabase(backend.name);

    /** Rules classifications of a generated catalog, and the dashboard serving them. */
    async function serve(options: { token?: string | null; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
      const { pool } = test.db;
      await pool.query('TRUNCATE overrides');
      await upsertIndicators(pool, [...generateCatalog({ count: COUNT, seed: 7 })].map((row) => Indicator.parse(row)));
      await saveRulesClassifications(pool);
      const app = createApp({ pool, token: options.token ?? null, health: () => Promise.resolve({}), benchDir: '/nonexistent', assets: await loadAssets(), env: options.env ?? {} });
      server = await listen(app, '127.0.0.1', 0);
      return server.url;
    }

    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}api/review`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const queue = async (url: string, query = ''): Promise<ReviewQueueResponse> => {
      const response = await fetch(`${url}api/review?${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as ReviewQueueResponse;
    };
    const overrideCount = async () => (await test.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM overrides')).rows[0]?.n;

    it('lists the queue and pages it by indicator, every item once', async () => {
      const url = await serve();
      const all = await queue(url, 'limit=10000');
      expect(all.items.length).toBeGreaterThan(10);
      expect(all.next).toBeNull();
      const paged: QueueItem[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page: QueuePage = await queue(url, `limit=7${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
        paged.push(...page.items);
        after = page.next;
        if (after === null) break;
      }
      expect(paged).toEqual(all.items);
      expect(all.threshold).toBe(DEFAULT_CONFIDENCE_THRESHOLD);
      const onlyType = await queue(url, 'limit=10000&field=type&threshold=1');
      expect(onlyType.threshold).toBe(1);
      expect(onlyType.items.length).toBeGreaterThan(0);
      expect(onlyType.items.every((item) => item.field === 'type' && item.reasons.length > 0)).toBe(true);
      const bad = await fetch(`${url}api/review?field=colour`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('field');
    });

    it('accepts and overrides one indicator, names the reviewer from the body or the environment, and the fields leave the queue', async () => {
      const url = await serve({ env: { CLASSIFY_REVIEWER: 'bo' } });
      const before = await queue(url, 'limit=10000&threshold=1');
      const first = before.items[0];
      if (first === undefined) throw new Error('empty queue');

      const accepted = await post(url, { action: 'accept', indicators: [first.indicator_id], fields: [first.field], reviewer: 'ana' });
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ action: 'accept', reviewer: 'ana', indicators: 1, recorded: 1 });

      const target = before.items.find((item) => item.indicator_id !== first.indicator_id && item.field === 'orientation') ?? before.items[1];
      if (target === undefined) throw new Error('queue too short');
      const orientation = target.field === 'orientation' && target.value === 'neutral' ? 'higher-is-positive' : 'neutral';
      const overridden = await post(url, { action: 'override', indicators: [target.indicator_id], changes: { orientation }, note: 'checked the source' });
      expect(overridden.status).toBe(200);
      expect(await overridden.json()).toEqual({ action: 'override', reviewer: 'bo', indicators: 1, recorded: 1 });

      const reviews = await reviewsInForce(test.db.pool, [first.indicator_id, target.indicator_id]);
      expect(reviews.find((r) => r.indicator_id === first.indicator_id)).toMatchObject({ field: first.field, action: 'accept', reviewer: 'ana', note: null });
      expect(reviews.find((r) => r.indicator_id === target.indicator_id)).toMatchObject({ field: 'orientation', action: 'override', new_value: orientation, reviewer: 'bo', note: 'checked the source' });

      const after = await queue(url, 'limit=10000&threshold=1');
      const key = (item: { indicator_id: string; field: string }) => `${item.indicator_id}/${item.field}`;
      const left = new Set(after.items.map(key));
      expect(left.has(key(first))).toBe(false);
      expect(left.has(`${target.indicator_id}/orientation`)).toBe(false);
      expect(after.items.length).toBeLessThan(before.items.length);
    });

    it('reviews a whole group at once', async () => {
      const url = await serve();
      const { rows } = await test.db.pool.query<{ concept: string; n: number }>(
        `SELECT ${CONCEPT} AS concept, count(*)::int AS n FROM classifications c JOIN source_indicators s ON s.id = c.indicator_id GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 1`,
      );
      const group = rows[0];
      if (group === undefined) throw new Error('no group of two or more in the generated catalog');
      const response = await post(url, { action: 'accept', group: group.concept, fields: ['family', 'type'], reviewer: 'ana', note: 'one concept, one label' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ action: 'accept', reviewer: 'ana', indicators: group.n, recorded: 2 * group.n });
      expect(await overrideCount()).toBe(2 * group.n);
      const unknown = await post(url, { action: 'accept', group: 'no such concept at all', fields: ['family'], reviewer: 'ana' });
      expect(unknown.status).toBe(422);
    });

    it('refuses a type outside its family with 422 and its reasons, recording nothing', async () => {
      const url = await serve();
      const { rows } = await test.db.pool.query<{ indicator_id: string; family: Family }>('SELECT indicator_id, family FROM classifications ORDER BY 1 LIMIT 2');
      const [a, b] = rows;
      if (a === undefined || b === undefined) throw new Error('no classifications');
      const foreign = Family.options.find((family) => family !== a.family) ?? 'temporal';
      const own: readonly string[] = FAMILY_TYPES[a.family];
      const type = FAMILY_TYPES[foreign].find((t) => !own.includes(t));
      const response = await post(url, { action: 'override', indicators: [a.indicator_id, b.indicator_id], changes: { type }, reviewer: 'ana' });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { reasons: string[] };
      expect(body.reasons.join('\n')).toContain(`does not belong to family "${a.family}"`);
      // A value outside the taxonomy, and nobody named: refused too.
      expect((await post(url, { action: 'override', indicators: [a.indicator_id], changes: { orientation: 'sideways' }, reviewer: 'ana' })).status).toBe(422);
      const nobody = await post(url, { action: 'accept', indicators: [a.indicator_id], fields: ['family'] });
      expect(nobody.status).toBe(422);
      expect(JSON.stringify(await nobody.json())).toContain('CLASSIFY_REVIEWER');
      // A body outside the schema: 400.
      expect((await post(url, { action: 'delete', indicators: [a.indicator_id] })).status).toBe(400);
      expect(await overrideCount()).toBe(0);
    });

    it('refuses writes that are not JSON (415), from a foreign origin or a rebound host (403), and without the token (401)', async () => {
      const url = await serve();
      const { rows } = await test.db.pool.query<{ indicator_id: string }>('SELECT indicator_id FROM classifications ORDER BY 1 LIMIT 1');
      const id = rows[0]?.indicator_id ?? '';
      const body = { action: 'accept', indicators: [id], fields: ['family'], reviewer: 'ana' };
      // What a cross-site form can send.
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const response = await fetch(`${url}api/review`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
        expect(response.status, type).toBe(415);
      }
      expect((await post(url, body, { origin: 'http://evil.example' })).status).toBe(403);
      expect((await post(url, body, { origin: 'http://127.0.0.1:1' })).status).toBe(403);
      // A page on a name rebound to 127.0.0.1 sends that name as Host (fetch cannot set Host: node:http can).
      expect(await rawRequest(`${url}api/review`, 'POST', JSON.stringify(body), { host: 'evil.example', 'content-type': 'application/json' })).toBe(403);
      // Nor can it read: every request must name a loopback Host when there is no token.
      expect(await rawRequest(`${url}api/review`, 'GET', '', { host: 'evil.example' })).toBe(403);
      expect(await rawRequest(url, 'GET', '', { host: 'evil.example:80' })).toBe(403);
      expect(await rawRequest(`${url}api/review`, 'GET', '', { host: new URL(url).host })).toBe(200);
      expect(await overrideCount()).toBe(0);
      // The page's own origin is welcome.
      expect((await post(url, body, { origin: url.replace(/\/$/, '') })).status).toBe(200);
      expect(await overrideCount()).toBe(1);

      await server?.close();
      const guarded = await serve({ token: 's3cret' });
      expect((await post(guarded, body)).status).toBe(401);
      expect((await post(guarded, body, { authorization: 'Bearer s3cret' })).status).toBe(200);
    });
  });
}

/**
 * The dashboard's HTTP surface: the page, its assets, and a JSON API over src/db/read-models.ts.
 * Handlers only parse the request, call a read model and return its result (no SQL here). The one
 * write, `POST /api/review`, is in review.ts with its guards.
 */
import { Hono, type Context } from 'hono';
import type pg from 'pg';
import { Family, FAMILY_TYPES, IndicatorType, Orientation, Source, TemporalAggregation } from '../domain/taxonomy.js';
import { classificationPage, ClassificationFilter, consistencyGroups, distributions, indicatorDetail, listRuns } from '../db/read-models.js';
import { latestBenchReport } from './bench.js';
import { liveRun } from './live.js';
import { isLoopback, offeredToken, TOKEN_COOKIE, tokenMatches } from './access.js';
import type { StaticFile } from './assets.js';
import { registerReviewRoutes } from './review.js';

export interface AppOptions {
  readonly pool: pg.Pool;
  /** Null: no token (loopback only, see access.ts). */
  readonly token: string | null;
  /** What `classify status` reports (its own code, src/runner/status.ts). */
  readonly health: () => Promise<unknown>;
  readonly benchDir: string;
  readonly assets: ReadonlyMap<string, StaticFile>;
  /** The environment the dashboard started with (its CLASSIFY_REVIEWER is the default reviewer). */
  readonly env?: NodeJS.ProcessEnv;
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const { pool, token } = options;

  if (token === null) {
    // Loopback only: a page on a name rebound to 127.0.0.1 (DNS rebinding) sends that name as Host.
    // Refusing any other Host keeps such a page from reading the database, or writing a review.
    app.use('*', async (c, next) => {
      const host = new URL(c.req.url).hostname;
      if (!isLoopback(host)) return c.json({ error: `host ${host} is not a loopback name: this dashboard serves 127.0.0.1 only` }, 403);
      await next();
    });
  } else {
    app.use('*', async (c, next) => {
      const query = c.req.query('token');
      const offered = offeredToken({ authorization: c.req.header('authorization'), cookie: c.req.header('cookie'), query });
      if (!tokenMatches(token, offered)) return c.json({ error: 'a valid token is required (Authorization: Bearer …, or ?token=)' }, 401);
      // The page's own requests (assets, API) then carry the cookie, so the token leaves the address bar once.
      if (query !== undefined) c.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(query)}; Path=/; HttpOnly; SameSite=Strict`);
      await next();
    });
  }

  app.get('/', (c) => asset(c, options.assets, 'index.html'));
  app.get('/assets/:name', (c) => asset(c, options.assets, c.req.param('name')));

  app.get('/api/taxonomy', (c) =>
    c.json({
      families: Family.options,
      types: IndicatorType.options,
      family_types: FAMILY_TYPES,
      orientations: Orientation.options,
      aggregations: TemporalAggregation.options,
      sources: Source.options,
    }),
  );

  app.get('/api/runs', async (c) => {
    const runs = await listRuns(pool);
    const running = runs.find((run) => run.status === 'running');
    return c.json({ runs, live: running === undefined ? null : await liveRun(pool, running.id, running.settings) });
  });

  app.get('/api/classifications', async (c) => {
    const filter = ClassificationFilter.safeParse(c.req.query());
    if (!filter.success) return c.json({ error: 'bad filter', issues: filter.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 400);
    return c.json(await classificationPage(pool, filter.data));
  });

  app.get('/api/indicator', async (c) => {
    const id = c.req.query('id');
    if (id === undefined || id === '') return c.json({ error: 'id is required' }, 400);
    const detail = await indicatorDetail(pool, id);
    return detail === null ? c.json({ error: `no indicator ${JSON.stringify(id)}` }, 404) : c.json(detail);
  });

  app.get('/api/distributions', async (c) => c.json(await distributions(pool)));
  app.get('/api/consistency', async (c) => c.json({ groups: await consistencyGroups(pool) }));
  app.get('/api/health', async (c) => c.json(await options.health()));
  app.get('/api/bench', async (c) => c.json(await latestBenchReport(options.benchDir)));
  registerReviewRoutes(app, { pool, env: options.env ?? {} });

  app.onError((error, c) => c.json({ error: error.message }, 500));
  return app;
}

function asset(c: Context, assets: ReadonlyMap<string, StaticFile>, name: string): Response {
  const file = assets.get(name);
  if (file === undefined) return c.json({ error: 'not found' }, 404);
  return c.body(new Uint8Array(file.body), 200, { 'content-type': file.type, 'cache-control': 'no-cache' });
}

/**
 * The review queue over HTTP: `GET /api/review` lists it (the filter of `classify review list`),
 * `POST /api/review` accepts or overrides fields of one indicator, several, or a whole consistency
 * group (src/review/act.ts decides; nothing here writes SQL).
 *
 * The dashboard's only write, so it is guarded against other sites: a cross-site form can only send
 * form or text content types (refused: 415), a cross-site `fetch` with JSON needs a CORS preflight
 * this app never grants, and a request that names a foreign `Origin` is refused (403). Without a
 * token the dashboard serves loopback only, so there the `Host` must be a loopback name too: a page
 * whose DNS name was rebound to 127.0.0.1 sends its own name as Host and Origin, and is refused.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type pg from 'pg';
import { z } from 'zod';
import { parseChanges, ReviewField, type Label } from '../domain/review-fields.js';
import { groupMembers } from '../db/read-models.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { chooseReviewer, review, ReviewRefused, REVIEWER_VARIABLE, type ReviewRequest } from '../review/act.js';
import { QueueFilter, reviewQueue, type QueuePage } from '../review/queue.js';

const IndicatorId = z.string().min(1).max(500);
const Target = {
  /** The indicators to review; or `group`, a consistency group's concept (every member). */
  indicators: z.array(IndicatorId).min(1).max(10_000).optional(),
  group: z.string().min(1).max(500).optional(),
  reviewer: z.string().max(1_000).optional(),
  note: z.string().max(10_000).optional(),
};

/** A POST body: what to do, to whom. Values are checked against the taxonomy by src/review/act.ts. */
export const ReviewBody = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('accept'), fields: z.array(ReviewField).min(1), ...Target }).strict(),
    z.object({ action: z.literal('override'), changes: z.record(z.string(), z.union([z.string(), z.boolean()])), ...Target }).strict(),
  ])
  .refine((body) => (body.indicators === undefined) !== (body.group === undefined), { error: 'give either indicators or group, not both' });
export type ReviewBody = z.infer<typeof ReviewBody>;

/** `GET /api/review`: one page of the queue, with the threshold in force (so the page can show the default it did not send). */
export type ReviewQueueResponse = QueuePage & { readonly threshold: number };

export interface ReviewRoutesOptions {
  readonly pool: pg.Pool;
  /** The environment the dashboard started with: its CLASSIFY_REVIEWER names a reviewer the body does not. */
  readonly env: NodeJS.ProcessEnv;
}

export function registerReviewRoutes(app: Hono, options: ReviewRoutesOptions): void {
  const { pool } = options;

  app.get('/api/review', async (c) => {
    const filter = QueueFilter.safeParse({ threshold: DEFAULT_CONFIDENCE_THRESHOLD, ...c.req.query() });
    if (!filter.success) return c.json({ error: 'bad filter', issues: filter.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 400);
    const body: ReviewQueueResponse = { ...(await reviewQueue(pool, filter.data)), threshold: filter.data.threshold };
    return c.json(body);
  });

  app.post('/api/review', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'the body is over 1 MiB' }, 413) }), async (c) => {
    const refused = writeRefusal(c);
    if (refused !== null) return c.json({ error: refused.error }, refused.status);
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const body = ReviewBody.safeParse(raw);
    if (!body.success) return c.json({ error: 'bad request', issues: body.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 400);
    const reviewer = chooseReviewer(body.data.reviewer, options.env);
    if (reviewer === null) return c.json({ error: 'refused', reasons: [`who is reviewing? give a reviewer name, or start the dashboard with ${REVIEWER_VARIABLE} set`] }, 422);
    const indicators = body.data.group === undefined ? (body.data.indicators ?? []) : await groupMembers(pool, body.data.group);
    if (indicators.length === 0) return c.json({ error: 'refused', reasons: [`no classified indicator in group ${JSON.stringify(body.data.group)}`] }, 422);
    const request = toRequest(body.data, indicators, reviewer);
    if (!request.ok) return c.json({ error: 'refused', reasons: [request.error] }, 422);
    try {
      const outcome = await review(pool, request.value);
      return c.json({ action: body.data.action, reviewer, ...outcome });
    } catch (error) {
      if (error instanceof ReviewRefused) return c.json({ error: 'refused', reasons: error.reasons }, 422);
      throw error;
    }
  });
}

/** Why a write is refused before its body is read (content type, origin, host), or null. */
/** A write must be JSON from the dashboard's own page (the Host check, for every request, is in app.ts). */
function writeRefusal(c: Context): { status: 403 | 415; error: string } | null {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, error: 'send the body as content-type: application/json' };
  const self = new URL(c.req.url);
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== self.origin) return { status: 403, error: `origin ${origin} is not this dashboard's (${self.origin})` };
  return null;
}

type Built = { ok: true; value: ReviewRequest } | { ok: false; error: string };

function toRequest(body: ReviewBody, indicators: string[], reviewer: string): Built {
  switch (body.action) {
    case 'accept':
      return { ok: true, value: { action: 'accept', indicators, fields: body.fields, reviewer, note: body.note } };
    case 'override': {
      const changes = parseChanges(Object.entries(body.changes).map(([field, value]) => [field, String(value)] as const));
      if (!changes.ok) return changes;
      const value: Partial<Label> = changes.value;
      return { ok: true, value: { action: 'override', indicators, changes: value, reviewer, note: body.note } };
    }
    default: {
      const unreachable: never = body;
      throw new Error(`unknown review action ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * A run never runs a workflow for an indicator beside an unfinished one of an earlier run for it
 * (issue 11, item 4). An interrupted forced run leaves its workflows in the engine, which runs them
 * on; the next forced run makes new keys for the same indicators, so without this both would run
 * at once and the one finishing last would win the save. Before submitting, the run asks the engine
 * (its admin SQL) for unfinished invocations of the workflow, keeps those of indicators it is about
 * to submit under another key, cancels them (Restate's cancel API) and waits until each has ended;
 * one still unfinished after the grace period is killed.
 *
 * Not covered: an earlier run still submitting while this one starts (two runs at once on one
 * engine); the listing is taken once, before this run submits.
 */
import type pg from 'pg';
import { streamIndicators, type Selection } from '../db/indicators.js';
import type { Indicator } from '../domain/indicator.js';
import { endInvocation, query, sqlString } from '../engine/index.js';
import { parseWorkflowKey } from '../workflow/keys.js';
import { sleep } from './sleep.js';

export interface EarlierInvocation {
  readonly id: string;
  readonly key: string;
  readonly indicatorId: string;
}

/** Unfinished invocations of `service`'s run handler, by indicator (keys that do not parse are not ours). */
export async function unfinishedInvocations(adminUrl: string, service: string): Promise<Map<string, EarlierInvocation[]>> {
  const rows = await query(
    adminUrl,
    `select id, target_service_key as key from sys_invocation
      where target_service_name = ${sqlString(service)} and target_handler_name = 'run' and status <> 'completed'`,
  );
  const byIndicator = new Map<string, EarlierInvocation[]>();
  for (const row of rows) {
    const id = typeof row.id === 'string' ? row.id : null;
    const key = typeof row.key === 'string' ? row.key : null;
    const indicatorId = key === null ? undefined : parseWorkflowKey(key)?.indicatorId;
    if (id === null || key === null || indicatorId === undefined) continue;
    byIndicator.set(indicatorId, [...(byIndicator.get(indicatorId) ?? []), { id, key, indicatorId }]);
  }
  return byIndicator;
}

export interface EndOptions {
  /** How long cancelled invocations get to end before the rest are killed. */
  readonly graceMs: number;
  readonly pollMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface Ended {
  readonly cancelled: number;
  readonly killed: number;
}

/** Cancels `invocations` and returns once none is unfinished (killing those past the grace period). */
export async function endInvocations(adminUrl: string, invocations: readonly EarlierInvocation[], options: EndOptions): Promise<Ended> {
  const ids = invocations.map((invocation) => invocation.id);
  for (const id of ids) await endInvocation(adminUrl, id, 'cancel');
  const deadline = Date.now() + options.graceMs;
  let left = await stillUnfinished(adminUrl, ids);
  while (left.length > 0 && Date.now() < deadline && options.signal?.aborted !== true) {
    await sleep(options.pollMs, options.signal);
    left = await stillUnfinished(adminUrl, left);
  }
  const killed = left.length;
  for (const id of left) await endInvocation(adminUrl, id, 'kill');
  // A kill is immediate in the engine; wait for the table to say so, but not for ever.
  const killDeadline = Date.now() + options.graceMs;
  while (left.length > 0 && Date.now() < killDeadline && options.signal?.aborted !== true) {
    await sleep(options.pollMs, options.signal);
    left = await stillUnfinished(adminUrl, left);
  }
  if (left.length > 0 && options.signal?.aborted !== true) {
    throw new Error(`${left.length} unfinished workflows of an earlier run did not end when cancelled and killed (e.g. ${left[0] ?? ''}); not submitting beside them`);
  }
  return { cancelled: ids.length - killed, killed };
}

const CHUNK = 500;

async function stillUnfinished(adminUrl: string, ids: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const rows = await query(adminUrl, `select id from sys_invocation where status <> 'completed' and id in (${chunk.map(sqlString).join(', ')})`);
    for (const row of rows) if (typeof row.id === 'string') left.push(row.id);
  }
  return left;
}

/** How long cancelled workflows of an earlier run get to end before they are killed. */
const CANCEL_GRACE_MS = 30_000;

/**
 * Ends the unfinished workflows of earlier runs for the indicators this run will submit under another
 * key (src/runner/supersede.ts), so no indicator has two workflows running at once.
 */
export async function endEarlierRuns(input: {
  adminUrl: string;
  service: string;
  pollMs: number;
  reads: pg.Pool;
  selection: Selection;
  planned: number;
  keyOf: (indicator: Indicator) => string;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<void> {
  const unfinished = await unfinishedInvocations(input.adminUrl, input.service);
  if (unfinished.size === 0 || input.planned === 0) return;
  const doomed: EarlierInvocation[] = [];
  let listed = 0;
  for await (const stored of streamIndicators(input.reads, input.selection)) {
    if (listed >= input.planned) break;
    listed += 1;
    const own = input.keyOf(stored.indicator);
    for (const invocation of unfinished.get(stored.indicator.id) ?? []) if (invocation.key !== own) doomed.push(invocation);
  }
  if (doomed.length === 0) return;
  input.log(`cancelling ${doomed.length} unfinished workflows of earlier runs for indicators this run submits (one workflow per indicator at a time)`);
  const ended = await endInvocations(input.adminUrl, doomed, { graceMs: CANCEL_GRACE_MS, pollMs: input.pollMs, signal: input.signal });
  input.log(`earlier workflows ended: ${ended.cancelled} cancelled${ended.killed > 0 ? `, ${ended.killed} killed after ${CANCEL_GRACE_MS / 1000} s` : ''}`);
}

/** `classify review list|accept|override|export`: the review queue from the terminal (src/review/). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseChanges, parseField, REVIEW_FIELDS, type ReviewField } from '../domain/review-fields.js';
import { openDatabase } from '../db/connect.js';
import { groupMembers } from '../db/read-models.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../llm/plan.js';
import { chooseReviewer, review, REVIEWER_VARIABLE, type ReviewRequest } from '../review/act.js';
import { exportReviewed } from '../review/export.js';
import { QueueReason, reviewQueue, type QueueItem } from '../review/queue.js';
import { positiveInteger, unitInterval } from './options.js';

interface ListFlags {
  readonly field?: ReviewField;
  readonly reason?: QueueReason;
  readonly limit: number;
  readonly after?: string;
  readonly threshold: number;
  readonly json?: boolean;
}

interface ActFlags {
  readonly group?: boolean;
  readonly reviewer?: string;
  readonly note?: string;
}

export function registerReview(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const command = program
    .command('review')
    .description('The review queue: fields to check, accepting or overriding them (overrides win on export and survive every run), and the reviewed rows as a labeled set.');

  command
    .command('list')
    .description('Queued fields: low confidence, rules and LLM disagreeing, inconsistent groups, reviews on changed content. Reviewed fields leave the queue.')
    .addOption(new Option('--field <field>', 'only this field').choices(REVIEW_FIELDS))
    .addOption(new Option('--reason <reason>', 'only fields queued for this reason').choices(QueueReason.options))
    .option('--limit <n>', 'at most this many fields (whole indicators)', positiveInteger, 50)
    .option('--after <indicator>', 'continue after this indicator id (the `next` of a previous page)')
    .option('--threshold <confidence>', 'a field below this confidence is queued', unitInterval, DEFAULT_CONFIDENCE_THRESHOLD)
    .option('--json', 'print one JSON object: {"items": [{indicator_id, name, country, field, family, reasons, machine_value, value, source, confidence, rules_value, group}], "next"}')
    .action(async (flags: ListFlags) => {
      const db = await openDatabase();
      try {
        const page = await reviewQueue(db.pool, {
          threshold: flags.threshold,
          limit: flags.limit,
          ...(flags.field === undefined ? {} : { field: flags.field }),
          ...(flags.reason === undefined ? {} : { reason: flags.reason }),
          ...(flags.after === undefined ? {} : { after: flags.after }),
        });
        process.stdout.write(flags.json === true ? `${JSON.stringify(page)}\n` : queueText(page.items, page.next));
      } finally {
        await db.close();
      }
    });

  withActFlags(
    command
      .command('accept <target> <fields...>')
      .description('Accept the machine\'s value of these fields (recorded as a review: the fields leave the queue). With --group, <target> is a consistency group\'s concept and every member is reviewed.'),
  ).action(async (target: string, fields: string[], flags: ActFlags) => {
    const parsed = fields.map(parseField);
    const accepted: ReviewField[] = [];
    for (const field of parsed) {
      if (!field.ok) throw new InvalidArgumentError(field.error);
      accepted.push(field.value);
    }
    await act(env, target, flags, (indicators, reviewer) => ({ action: 'accept', indicators, fields: accepted, reviewer, note: flags.note }));
  });

  withActFlags(
    command
      .command('override <target> <assignments...>')
      .description('Override fields: `<field> <value>` pairs (family and type together when the family changes). Checked against the taxonomy. With --group, <target> is a consistency group\'s concept.'),
  ).action(async (target: string, words: string[], flags: ActFlags) => {
    if (words.length % 2 !== 0) throw new InvalidArgumentError(`expected <field> <value> pairs, got ${words.length} words: ${words.join(' ')}`);
    const pairs = Array.from({ length: words.length / 2 }, (_, i) => [words[2 * i] ?? '', words[2 * i + 1] ?? ''] as const);
    const changes = parseChanges(pairs);
    if (!changes.ok) throw new InvalidArgumentError(changes.error);
    await act(env, target, flags, (indicators, reviewer) => ({ action: 'override', indicators, changes: changes.value, reviewer, note: flags.note }));
  });

  command
    .command('export')
    .description('Write the reviewed indicators in the labeled-set format (one JSON object a line), for `classify eval --labels`.')
    .requiredOption('--out <file>', 'where to write')
    .action(async (flags: { out: string }) => {
      const db = await openDatabase();
      try {
        const out = createWriteStream(flags.out);
        const outcome = await exportReviewed(db.pool, out);
        out.end();
        await finished(out);
        const skipped = outcome.stale === 0 ? '' : `; ${outcome.stale} left out: reviewed on content that changed since (review them again)`;
        process.stdout.write(`exported ${outcome.written} reviewed indicators to ${flags.out}${skipped}\n`);
      } finally {
        await db.close();
      }
    });
}

function withActFlags(command: Command): Command {
  return command
    .option('--group', 'the target is a consistency group (its concept, as `review list` shows it): review every member')
    .option('--reviewer <name>', `who reviews (default: $${REVIEWER_VARIABLE})`)
    .option('--note <text>', 'why, kept with the review');
}

async function act(env: NodeJS.ProcessEnv, target: string, flags: ActFlags, request: (indicators: string[], reviewer: string) => ReviewRequest): Promise<void> {
  const reviewer = chooseReviewer(flags.reviewer, env);
  if (reviewer === null) throw new Error(`who is reviewing? set ${REVIEWER_VARIABLE} or pass --reviewer <name>`);
  const db = await openDatabase();
  try {
    const indicators = flags.group === true ? await groupMembers(db.pool, target) : [target];
    if (indicators.length === 0) throw new Error(`no classified indicator in group ${JSON.stringify(target)}`);
    const outcome = await review(db.pool, request(indicators, reviewer));
    const what = flags.group === true ? `group ${JSON.stringify(target)} (${outcome.indicators} indicators)` : target;
    process.stdout.write(`${request(indicators, reviewer).action === 'accept' ? 'accepted' : 'overrode'} ${outcome.recorded} fields of ${what} as ${reviewer}\n`);
  } finally {
    await db.close();
  }
}

function queueText(items: readonly QueueItem[], next: string | null): string {
  if (items.length === 0) return 'the review queue is empty\n';
  const rows = items.map((item) => [
    item.indicator_id,
    item.field,
    item.value === item.machine_value ? item.value : `${item.value} (machine: ${item.machine_value})`,
    item.source,
    item.confidence.toFixed(2),
    item.reasons.join(',') + (item.rules_value !== null && item.rules_value !== item.machine_value ? ` (rules: ${item.rules_value})` : ''),
    item.group ?? '',
  ]);
  const header = ['indicator', 'field', 'value', 'source', 'conf', 'reasons', 'group'];
  const widths = header.map((title, i) => Math.min(48, Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const more = next === null ? '' : `more: classify review list --after ${next}\n`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n${items.length} fields queued on this page\n${more}`;
}

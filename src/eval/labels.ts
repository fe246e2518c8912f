/** A labeled file: one indicator a line, with the label a careful analyst would give it. */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Indicator } from '../domain/indicator.js';
import { Label } from '../domain/review-fields.js';
import { ReportingFrequency, type TimeBasis } from '../domain/taxonomy.js';

/** The label of a labeled line: the fields a review sets (src/domain/review-fields.ts). */
export const Expected = Label;
export type Expected = Label;

export const EVAL_FIELDS = Expected.keyof().options;
export type EvalField = (typeof EVAL_FIELDS)[number];

/**
 * The fields whose confidence the eval calibrates: the label's; the time basis, which the label's
 * temporal aggregation implies (scored with the time stage's confidence, which covers it and the
 * frequency); and the reporting frequency where the row labels one (`expected_frequency`, scored
 * with the frequency half of that confidence).
 */
export const CALIBRATED_FIELDS = [...EVAL_FIELDS, 'time_basis', 'reporting_frequency'] as const;
export type CalibratedField = (typeof CALIBRATED_FIELDS)[number];

/**
 * The time basis a temporal aggregation implies (../shared/TAXONOMY.md: a level at a date is
 * point-in-time; a sum or a change rate over the period is per-period; a sum since a fixed start is
 * cumulative). None for an average over the period (an averaged level: the standard does not say
 * which basis) or not-applicable (a structural ratio has no time aggregation).
 */
export function impliedTimeBasis(aggregation: Expected['temporal_aggregation']): TimeBasis | null {
  switch (aggregation) {
    case 'point-in-time':
      return 'point-in-time';
    case 'period-total':
    case 'period-rate':
      return 'per-period';
    case 'period-cumulative':
      return 'cumulative';
    case 'period-average':
    case 'not-applicable':
      return null;
    default: {
      const unreachable: never = aggregation;
      throw new Error(`unhandled aggregation ${String(unreachable)}`);
    }
  }
}

export interface LabeledIndicator {
  readonly indicator: Indicator;
  readonly expected: Expected;
  /** The true reporting frequency, where the labeled file names it (dev.jsonl does not). */
  readonly frequency: ReportingFrequency | null;
}

const LabeledLine = z.object({ expected: Expected, expected_frequency: ReportingFrequency.optional() });

/** Reads every labeled line; a line that does not parse stops the eval with its line number. */
export async function readLabels(path: string): Promise<LabeledIndicator[]> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const labeled: LabeledIndicator[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const json: unknown = parseJson(line, path, lineNumber);
    const indicator = Indicator.safeParse(json);
    const label = LabeledLine.safeParse(json);
    if (!indicator.success || !label.success) {
      const issue = indicator.error?.issues[0] ?? label.error?.issues[0];
      const where = issue ? issue.path.join('.') : 'row';
      throw new Error(`${path}:${lineNumber}: ${where}: ${issue?.message ?? 'invalid'}`);
    }
    labeled.push({ indicator: indicator.data, expected: label.data.expected, frequency: label.data.expected_frequency ?? null });
  }
  return labeled;
}

/**
 * Several labeled files read as one set. An id labeled in two files is an error (corrections and
 * folds key on it); within one file it is the file's business (dev.jsonl has two ids twice, from two origins).
 */
export async function readLabelFiles(paths: readonly string[]): Promise<LabeledIndicator[]> {
  const repeated = paths.find((path, i) => paths.indexOf(path) !== i);
  // The same file twice would count every row twice and pass the id check.
  if (repeated !== undefined) throw new Error(`${repeated}: given twice`);
  const labeled: LabeledIndicator[] = [];
  const fileOf = new Map<string, string>();
  for (const path of paths) {
    const rows = await readLabels(path);
    for (const row of rows) {
      const other = fileOf.get(row.indicator.id);
      if (other !== undefined && other !== path) throw new Error(`${path}: id ${row.indicator.id} is already labeled in ${other}`);
    }
    for (const row of rows) fileOf.set(row.indicator.id, path);
    labeled.push(...rows);
  }
  return labeled;
}

function parseJson(line: string, path: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new Error(`${path}:${lineNumber}: not JSON (${(error as Error).message})`);
  }
}

/**
 * A label the standard (../shared/TAXONOMY.md) contradicts: the standard wins. Recorded per row and
 * field with the label it replaces (a stale entry is an error) and the rule of the standard that decides.
 */
export const Correction = z
  .object({
    id: z.string().min(1),
    field: z.enum(EVAL_FIELDS),
    label: z.union([z.string(), z.boolean()]),
    standard: z.union([z.string(), z.boolean()]),
    why: z.string().min(1),
  })
  .strict();
export type Correction = z.infer<typeof Correction>;

export const Corrections = z.object({ corrections: z.array(Correction) }).strict();

/** The labeled rows with the corrections applied; every correction must name a row and its current label. */
export function applyCorrections(labeled: readonly LabeledIndicator[], corrections: readonly Correction[]): LabeledIndicator[] {
  const byId = new Map(labeled.map((l, index) => [l.indicator.id, index]));
  const out = labeled.map((l) => ({ ...l, expected: { ...l.expected } }));
  for (const c of corrections) {
    const index = byId.get(c.id);
    const row = index === undefined ? undefined : out[index];
    if (row === undefined) throw new Error(`correction for ${c.id}: no such labeled row`);
    if (row.expected[c.field] !== c.label) {
      throw new Error(`correction for ${c.id} ${c.field}: the label is ${String(row.expected[c.field])}, not ${String(c.label)}`);
    }
    const parsed = Expected.safeParse({ ...row.expected, [c.field]: c.standard });
    if (!parsed.success) throw new Error(`correction for ${c.id} ${c.field}: ${String(c.standard)} is not a valid value`);
    row.expected = parsed.data;
  }
  return out;
}

export async function readCorrections(path: string): Promise<Correction[]> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = Corrections.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data.corrections;
}

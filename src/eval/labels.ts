/** A labeled file: one indicator a line, with the label a careful analyst would give it. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Indicator } from '../domain/indicator.js';
import { Family, IndicatorType, Orientation, TemporalAggregation } from '../domain/taxonomy.js';

export const Expected = z.object({
  family: Family,
  type: IndicatorType,
  temporal_aggregation: TemporalAggregation,
  is_currency_denominated: z.boolean(),
  orientation: Orientation,
});
export type Expected = z.infer<typeof Expected>;

export const EVAL_FIELDS = Expected.keyof().options;
export type EvalField = (typeof EVAL_FIELDS)[number];

export interface LabeledIndicator {
  readonly indicator: Indicator;
  readonly expected: Expected;
}

const LabeledLine = z.object({ expected: Expected });

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
    labeled.push({ indicator: indicator.data, expected: label.data.expected });
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

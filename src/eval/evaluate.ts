/** Agreement between the rules and a labeled set, per field, with every disagreement explained. */
import type { Classification } from '../domain/results.js';
import { classifyWithRules } from '../stages/pipeline.js';
import { EVAL_FIELDS, type EvalField, type Expected, type LabeledIndicator } from './labels.js';

export interface FieldScore {
  readonly agree: number;
  readonly total: number;
  readonly rate: number;
}

export interface Disagreement {
  readonly id: string;
  readonly name: string;
  readonly field: EvalField;
  readonly expected: string;
  readonly got: string;
  readonly reason: string;
}

export interface Confusion {
  readonly field: EvalField;
  readonly expected: string;
  readonly got: string;
  readonly count: number;
}

export interface EvalReport {
  readonly total: number;
  readonly fields: Record<EvalField, FieldScore>;
  readonly confusions: readonly Confusion[];
  readonly disagreements: readonly Disagreement[];
}

/** The classification's answer for one field, and the stage reason behind it. */
function answer(c: Classification, field: EvalField): { value: string; reason: string } {
  switch (field) {
    case 'family':
      return { value: c.family.family, reason: c.family.reason };
    case 'type':
      return { value: c.type.type, reason: c.type.reason };
    case 'temporal_aggregation':
      return { value: c.type.temporal_aggregation, reason: c.type.reason };
    case 'is_currency_denominated':
      return { value: String(c.type.is_currency_denominated), reason: `units: ${c.normalization.reason}` };
    case 'orientation':
      return { value: c.orientation.orientation, reason: c.orientation.reason };
    default: {
      const unreachable: never = field;
      throw new Error(`unhandled field ${String(unreachable)}`);
    }
  }
}

export function evaluate(labeled: readonly LabeledIndicator[]): EvalReport {
  const disagreements: Disagreement[] = [];
  const agreeCounts = new Map<EvalField, number>(EVAL_FIELDS.map((field) => [field, 0]));
  for (const { indicator, expected } of labeled) {
    const classification = classifyWithRules(indicator);
    for (const field of EVAL_FIELDS) {
      const got = answer(classification, field);
      const want = String(expected[field satisfies keyof Expected]);
      if (got.value === want) {
        agreeCounts.set(field, (agreeCounts.get(field) ?? 0) + 1);
      } else {
        disagreements.push({ id: indicator.id, name: indicator.name, field, expected: want, got: got.value, reason: got.reason });
      }
    }
  }
  const total = labeled.length;
  const fields = Object.fromEntries(
    EVAL_FIELDS.map((field) => {
      const agree = agreeCounts.get(field) ?? 0;
      return [field, { agree, total, rate: total === 0 ? 0 : agree / total }];
    }),
  ) as Record<EvalField, FieldScore>;
  return { total, fields, confusions: countConfusions(disagreements), disagreements };
}

function countConfusions(disagreements: readonly Disagreement[]): Confusion[] {
  const counts = new Map<string, Confusion>();
  for (const d of disagreements) {
    const key = `${d.field}\u0000${d.expected}\u0000${d.got}`;
    const seen = counts.get(key);
    counts.set(key, { field: d.field, expected: d.expected, got: d.got, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/**
 * The fields a person may review (accept or override), and how a value given as text (a command
 * line, a form) becomes a value of the taxonomy. They are the fields of a label (src/eval/labels.ts
 * reads the same schema), so a reviewed row is a labeled row. The stage a field belongs to says
 * which confidence and source columns of the classification it shares.
 */
import { z } from 'zod';
import { Family, FAMILY_TYPES, FamilyType, IndicatorType, Orientation, TemporalAggregation } from './taxonomy.js';

/** What a careful analyst says of one indicator: the fields a review may set. */
export const Label = z.object({
  family: Family,
  type: IndicatorType,
  temporal_aggregation: TemporalAggregation,
  is_currency_denominated: z.boolean(),
  orientation: Orientation,
});
export type Label = z.infer<typeof Label>;

export const ReviewField = Label.keyof();
export type ReviewField = z.infer<typeof ReviewField>;
export const REVIEW_FIELDS: readonly ReviewField[] = ReviewField.options;

/** The stage whose result holds the field (its `<stage>_confidence` and `<stage>_source` columns). */
export type ReviewStage = 'family' | 'type' | 'orientation';

export function stageOf(field: ReviewField): ReviewStage {
  switch (field) {
    case 'family':
      return 'family';
    case 'type':
    case 'temporal_aggregation':
    case 'is_currency_denominated':
      return 'type';
    case 'orientation':
      return 'orientation';
    default: {
      const unreachable: never = field;
      throw new Error(`unknown review field ${String(unreachable)}`);
    }
  }
}

export type LabelValue = Label[ReviewField];

/** A field's value as stored in the overrides table (text: booleans as "true"/"false"). */
export function valueText(value: LabelValue): string {
  return String(value);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The field named by `text`, or an error listing the fields. */
export function parseField(text: string): Parsed<ReviewField> {
  const field = ReviewField.safeParse(text.trim());
  if (field.success) return { ok: true, value: field.data };
  return { ok: false, error: `"${text}" is not a field that can be reviewed; one of: ${REVIEW_FIELDS.join(', ')}` };
}

/** `text` as a value of `field`, checked against the taxonomy (not yet against the other fields). */
export function parseValue(field: ReviewField, text: string): Parsed<LabelValue> {
  const trimmed = text.trim();
  const schema = field === 'is_currency_denominated' ? z.enum(['true', 'false']).transform((v) => v === 'true') : Label.shape[field];
  const parsed = schema.safeParse(trimmed);
  if (parsed.success) return { ok: true, value: parsed.data };
  const allowed = field === 'is_currency_denominated' ? ['true', 'false'] : (Label.shape[field] as z.ZodEnum).options;
  return { ok: false, error: `"${text}" is not a valid ${field}; one of: ${allowed.join(', ')}` };
}

/**
 * A whole label, checked as the taxonomy checks a classification: the type must belong to the
 * family. The error names the family's types and how to change both at once.
 */
export function checkLabel(label: Label): Parsed<Label> {
  if (FamilyType.safeParse({ family: label.family, type: label.type }).success) return { ok: true, value: label };
  return {
    ok: false,
    error:
      `type "${label.type}" does not belong to family "${label.family}" (its types: ${FAMILY_TYPES[label.family].join(', ')}); ` +
      'override family and type together (… family F type T)',
  };
}

/** `label` with `changes` applied, validated as a whole. */
export function applyChanges(label: Label, changes: Partial<Label>): Parsed<Label> {
  return checkLabel(Label.parse({ ...label, ...changes }));
}

/** `field value [field value …]` (a command line's words, a form's pairs) as checked changes. */
export function parseChanges(pairs: readonly (readonly [string, string])[]): Parsed<Partial<Label>> {
  const changes: Record<string, LabelValue> = {};
  for (const [name, text] of pairs) {
    const field = parseField(name);
    if (!field.ok) return field;
    if (field.value in changes) return { ok: false, error: `${field.value} is given twice` };
    const value = parseValue(field.value, text);
    if (!value.ok) return value;
    changes[field.value] = value.value;
  }
  if (Object.keys(changes).length === 0) return { ok: false, error: 'no field to override' };
  return { ok: true, value: changes };
}

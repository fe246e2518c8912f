/** The input: one indicator of a catalog (shared/TAXONOMY.md, "Input: an indicator"). */
import { z } from 'zod';
import { parseDate } from './dates.js';

/** Optional free-text metadata: absent, null and blank all mean "not given". */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value == null || value.trim() === '' ? null : value.trim()));

const numericValue = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'not a number')
    .transform(Number),
  z.null(),
]);

export const SampleValue = z.object({
  date: z.union([z.string(), z.number().int().transform(String)]).superRefine((date, ctx) => {
    const parsed = parseDate(date);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.reason}: ${JSON.stringify(date)}` });
  }),
  value: numericValue,
});
export type SampleValue = z.infer<typeof SampleValue>;

export const Indicator = z.object({
  id: z.union([z.string(), z.number().transform(String)]).pipe(z.string().trim().min(1, 'missing id')),
  name: z.string({ error: 'missing name' }).trim().min(1, 'missing name'),
  units: optionalText,
  periodicity: optionalText,
  scale: optionalText,
  currency_code: optionalText,
  description: optionalText,
  source: optionalText,
  category_group: optionalText,
  topic: optionalText,
  dataset: optionalText,
  aggregation_method: optionalText,
  country: optionalText,
  sample_values: z.array(SampleValue).nullish().transform((values) => values ?? []),
});
/** A validated indicator: optional text is `string | null`, sample values are numbers or null. */
export type Indicator = z.infer<typeof Indicator>;
/** What a catalog row may look like before validation. */
export type IndicatorInput = z.input<typeof Indicator>;

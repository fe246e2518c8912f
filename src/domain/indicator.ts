/** The input: one indicator of a catalog (shared/TAXONOMY.md, "Input: an indicator"). */
import { z } from 'zod';
import { parseDate } from './dates.js';

/**
 * Limits every row is held to (README, "Catalogs"), so that a row validation accepts is one the
 * database, the workflow engine and the prompt can carry. The id travels URL-encoded in the Restate
 * ingress path (src/workflow/keys.ts): a 100 KB id would pass everything else, then fail as HTTP 414.
 */
export const MAX_ID_LENGTH = 200;
/** Each other text field; the longest real description seen is a few thousand characters. */
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_SAMPLE_VALUES = 10_000;

/** Every character that cannot be stored or sent, with the reason; null when the text is fine. */
export function unstorableText(text: string): string | null {
  if (text.includes('\0')) return 'contains a NUL character (\\u0000), which the database cannot store';
  // With the `u` flag a well-formed pair is one code point, so \p{Cs} matches only a lone surrogate.
  if (/\p{Cs}/u.test(text)) return 'contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode';
  // Bytes that are not UTF-8 are read as U+FFFD: storing it would silently change the text.
  if (text.includes('\uFFFD')) return 'contains U+FFFD, the replacement character: the file is not valid UTF-8 here';
  return null;
}

/** The first C0 or C1 control character or DEL, as U+XXXX: nothing an id should carry into URLs and keys. */
function controlCharacter(text: string): string | null {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

function withinLength(max: number) {
  return { error: (issue: { input?: unknown }) => `longer than ${max} characters (${typeof issue.input === 'string' ? issue.input.length : '?'})` };
}

function storable(text: string, ctx: z.RefinementCtx): void {
  const reason = unstorableText(text);
  if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
}

/** A text field: at most MAX_TEXT_LENGTH characters, all storable. */
const text = z.string().max(MAX_TEXT_LENGTH, withinLength(MAX_TEXT_LENGTH)).superRefine(storable);

/** Optional free-text metadata: absent, null and blank all mean "not given". */
const optionalText = text.nullish().transform((value) => (value == null || value.trim() === '' ? null : value.trim()));

const id = z
  .union([z.string(), z.number().transform(String)])
  .pipe(
    z
      .string()
      .trim()
      .min(1, 'missing id')
      .max(MAX_ID_LENGTH, withinLength(MAX_ID_LENGTH))
      .superRefine((value, ctx) => {
        const reason = unstorableText(value);
        const control = controlCharacter(value);
        if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
        else if (control !== null) {
          ctx.addIssue({ code: 'custom', message: `contains the control character ${control}, which an id may not (it travels in URLs and workflow keys)` });
        }
      }),
  );

const numericValue = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'not a number')
    .transform(Number)
    // "1e400" is a number to the regex and Infinity to Number(): JSON would store it as null.
    .refine(Number.isFinite, 'not a finite number'),
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
  id,
  name: z.string({ error: 'missing name' }).trim().min(1, 'missing name').pipe(text),
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
  sample_values: z
    .array(SampleValue)
    .max(MAX_SAMPLE_VALUES, { error: `more than ${MAX_SAMPLE_VALUES} sample values` })
    .nullish()
    .transform((values) => values ?? []),
});
/** A validated indicator: optional text is `string | null`, sample values are numbers or null. */
export type Indicator = z.infer<typeof Indicator>;
/** What a catalog row may look like before validation. */
export type IndicatorInput = z.input<typeof Indicator>;

/** The fields a row must have: those the schema refuses to miss (a CSV header must name them). */
export const REQUIRED_FIELDS: readonly string[] = Object.entries(Indicator.shape)
  .filter(([, schema]) => !schema.safeParse(undefined).success)
  .map(([field]) => field);

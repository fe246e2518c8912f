/**
 * The date forms a catalog uses: YYYY, YYYY-MM, YYYY-MM-DD (optionally with a time), YYYY-Qn,
 * and pseudo-dates such as `last10YearsAvg` that label a summary, not an observation.
 */

export type Granularity = 'year' | 'half' | 'quarter' | 'month' | 'day';

export type ParsedDate =
  | {
      kind: 'observation';
      granularity: Granularity;
      year: number;
      /** 1-12: the first month of the period. */
      month: number;
      day: number;
      /** Days since 1970-01-01 (UTC) of the period's first day; used for spacing. */
      epochDay: number;
    }
  | { kind: 'pseudo'; label: string };

export type DateParse = { ok: true; date: ParsedDate } | { ok: false; reason: string };

const MS_PER_DAY = 86_400_000;
const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{1,2})$/;
const DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const QUARTER = /^(\d{4})[-\s]?Q([1-4])$/i;
const HALF = /^(\d{4})[-\s]?(?:H|S)([12])$/i;
/** An identifier-like label: starts with a letter, letters, digits and underscores only. */
const PSEUDO = /^[A-Za-z][A-Za-z0-9_]*$/;

function observation(granularity: Granularity, year: number, month: number, day: number): DateParse {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  const ms = check.getTime();
  if (month < 1 || month > 12 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, reason: 'not a calendar date' };
  }
  return {
    ok: true,
    date: { kind: 'observation', granularity, year, month, day, epochDay: Math.round(ms / MS_PER_DAY) },
  };
}

export function parseDate(raw: string): DateParse {
  const text = raw.trim();
  let m: RegExpMatchArray | null;
  if ((m = YEAR.exec(text))) return observation('year', Number(m[1]), 1, 1);
  if ((m = QUARTER.exec(text))) return observation('quarter', Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 1);
  if ((m = HALF.exec(text))) return observation('half', Number(m[1]), (Number(m[2]) - 1) * 6 + 1, 1);
  if ((m = MONTH.exec(text))) return observation('month', Number(m[1]), Number(m[2]), 1);
  if ((m = DAY.exec(text))) return observation('day', Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d/.test(text)) return { ok: false, reason: 'not a date in a known form (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn)' };
  if (PSEUDO.test(text)) return { ok: true, date: { kind: 'pseudo', label: text } };
  return { ok: false, reason: text === '' ? 'empty date' : 'not a date' };
}

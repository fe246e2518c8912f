/**
 * The date forms a catalog may use, and nothing looser (a date that only looks like one, `2024-1-5` or
 * `yesterday`, is rejected rather than guessed at):
 *
 *   YYYY, YYYY-MM, YYYY-MM-DD            ISO 8601 calendar dates, two-digit months and days;
 *   YYYY-MM-DDTHH:MM[:SS[.fff]][zone]    an ISO 8601 / RFC 3339 timestamp (`T` or a space; zone `Z` or ±HH:MM);
 *   YYYY-Qn, YYYY-Hn, YYYY-Sn            a quarter, a half year (both spellings occur in real catalogs);
 *   last10YearsAvg, last5YearsPeerAvg    pseudo-dates: `last<N><Years|Quarters|Months|Weeks|Days>[Peer]Avg`,
 *                                        which label a summary, not an observation.
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
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The date part, then hours and minutes, optional seconds and fraction, optional zone. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const HALF = /^(\d{4})-[HS]([12])$/;
const PSEUDO = /^last\d{1,3}(?:Years|Quarters|Months|Weeks|Days)(?:Peer)?Avg$/;

const DATE_FORMS = 'YYYY, YYYY-MM, YYYY-MM-DD, an ISO timestamp, YYYY-Qn, YYYY-Hn';

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

/** A timestamp is a day observation once its clock and zone are in range. */
function timestamp(m: RegExpMatchArray): DateParse {
  const part = (index: number): number => Number(m[index] ?? 0);
  const hours = [part(4), part(7)];
  const minutes = [part(5), part(6), part(8)];
  if (hours.some((value) => value > 23) || minutes.some((value) => value > 59)) return { ok: false, reason: 'not a time of day' };
  return observation('day', part(1), part(2), part(3));
}

export function parseDate(raw: string): DateParse {
  const text = raw.trim();
  let m: RegExpMatchArray | null;
  if ((m = YEAR.exec(text))) return observation('year', Number(m[1]), 1, 1);
  if ((m = QUARTER.exec(text))) return observation('quarter', Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 1);
  if ((m = HALF.exec(text))) return observation('half', Number(m[1]), (Number(m[2]) - 1) * 6 + 1, 1);
  if ((m = MONTH.exec(text))) return observation('month', Number(m[1]), Number(m[2]), 1);
  if ((m = DAY.exec(text))) return observation('day', Number(m[1]), Number(m[2]), Number(m[3]));
  if ((m = TIMESTAMP.exec(text))) return timestamp(m);
  if (PSEUDO.test(text)) return { ok: true, date: { kind: 'pseudo', label: text } };
  if (text === '') return { ok: false, reason: 'empty date' };
  if (/^\d/.test(text)) return { ok: false, reason: `not a date in a known form (${DATE_FORMS})` };
  return { ok: false, reason: 'not a date, nor a pseudo-date such as last10YearsAvg' };
}

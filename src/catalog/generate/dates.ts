/**
 * Observation periods for a frequency, ending around 2025, and the ways catalogs write them:
 * period labels (2024, 2024-Q3, 2024-07), the period's last day (Trading Economics) or its first.
 */
import type { Rng } from './random.js';
import type { Frequency } from './types.js';

export interface Period {
  year: number;
  /** 1-12: the period's first month (its only month for monthly and finer). */
  month: number;
  /** The observation day for daily and weekly periods; 1 otherwise. */
  day: number;
}

export type DateStyle = 'period' | 'end' | 'start';

const DAY_MS = 86_400_000;

/** `count` consecutive periods, oldest first, the last one near `lastYear` (or 2024-2025). */
export function periodsEnding(rng: Rng, frequency: Frequency, count: number, lastYear?: number, calendarDays = false): Period[] {
  const endYear = lastYear ?? rng.pick([2023, 2024, 2024, 2025]);
  switch (frequency) {
    case 'annual':
      return Array.from({ length: count }, (_, i) => ({ year: endYear - count + 1 + i, month: 1, day: 1 }));
    case 'semiannual':
    case 'quarterly':
    case 'monthly':
      return monthlyPeriods(rng, frequency, count, lastYear);
    case 'weekly':
    case 'daily':
      return dailyPeriods(rng, frequency, count, lastYear, calendarDays);
  }
}

const MONTHS_PER_PERIOD = { semiannual: 6, quarterly: 3, monthly: 1 } as const;

function monthlyPeriods(rng: Rng, frequency: keyof typeof MONTHS_PER_PERIOD, count: number, lastYear?: number): Period[] {
  const step = MONTHS_PER_PERIOD[frequency];
  // The latest period: between mid-2024 and late 2025, aligned to the period's first month.
  const lastMonthIndex = lastYear === undefined ? 2025 * 12 + 8 - rng.int(0, 14) : lastYear * 12 + rng.int(0, 11);
  const aligned = lastMonthIndex - (lastMonthIndex % step);
  return Array.from({ length: count }, (_, i) => {
    const index = aligned - (count - 1 - i) * step;
    return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
  });
}

function dailyPeriods(rng: Rng, frequency: 'weekly' | 'daily', count: number, lastYear?: number, calendarDays = false): Period[] {
  const year = lastYear ?? 2025;
  let day = Date.UTC(year, 0, 1) / DAY_MS + rng.int(lastYear === undefined ? 0 : 200, lastYear === undefined ? 290 : 364);
  const businessOnly = frequency === 'daily' && !calendarDays;
  // Weekly series fall on one weekday (Friday, Thursday or Wednesday); daily ones skip weekends.
  if (frequency === 'weekly') while (weekday(day) !== rng.pick([5, 4, 3])) day -= 1;
  const days: number[] = [];
  while (days.length < count) {
    if (!businessOnly || (weekday(day) !== 0 && weekday(day) !== 6)) days.push(day);
    day -= frequency === 'weekly' ? 7 : 1;
  }
  return days.reverse().map((d) => {
    const date = new Date(d * DAY_MS);
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  });
}

function weekday(epochDay: number): number {
  return new Date(epochDay * DAY_MS).getUTCDay();
}

const pad = (n: number): string => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** How one period is written in the given style. */
export function formatPeriod(period: Period, frequency: Frequency, style: DateStyle, halfMark = 'H'): string {
  const { year, month, day } = period;
  if (frequency === 'daily' || frequency === 'weekly') return `${year}-${pad(month)}-${pad(day)}`;
  const months = frequency === 'annual' ? 12 : frequency === 'monthly' ? 1 : MONTHS_PER_PERIOD[frequency];
  if (style === 'start') return `${year}-${pad(month)}-01`;
  if (style === 'end') {
    const endMonth = month + months - 1;
    return `${year}-${pad(endMonth)}-${pad(lastDayOfMonth(year, endMonth))}`;
  }
  switch (frequency) {
    case 'annual':
      return String(year);
    case 'semiannual':
      return `${year}-${halfMark}${month === 1 ? 1 : 2}`;
    case 'quarterly':
      return `${year}-Q${(month + 2) / 3}`;
    case 'monthly':
      return `${year}-${pad(month)}`;
  }
}

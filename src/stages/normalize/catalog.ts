/**
 * The catalog's own scale and currency_code fields win over what the units string suggests
 * (TAXONOMY.md), with two refinements: they do not turn a percentage or an index into money or
 * into millions, and a units factor the catalog's enum cannot express (1e8) is kept when the
 * catalog names its bucket ("USD Hundred Million" with scale "Millions").
 */
import type { UnitType } from '../../domain/taxonomy.js';
import { parseCatalogCurrency } from './currencies.js';
import type { UnitReading } from './read-units.js';
import { formatFactor, parseCatalogScale, scaleOf } from './scale.js';

export interface CatalogFields {
  scale: string | null;
  currency_code: string | null;
}

export interface CatalogOutcome {
  reading: UnitReading;
  /** What the catalog changed or was ignored for, for the reason. */
  notes: string[];
}

/** Unit types that are pure numbers: a scale or a currency would misdescribe them. */
const DIMENSIONLESS: ReadonlySet<UnitType> = new Set(['percentage', 'index', 'ratio', 'duration']);

function applyScale(reading: UnitReading, raw: string): CatalogOutcome {
  const factor = parseCatalogScale(raw);
  if (factor === null) return { reading, notes: [`catalog scale "${raw}" not understood, ignored`] };
  if (DIMENSIONLESS.has(reading.unitType)) {
    if (factor === 1) return { reading, notes: [] };
    const ignored = { ...reading, confidence: reading.confidence - 0.05 };
    return { reading: ignored, notes: [`catalog scale "${raw}" ignored for a ${reading.unitType}`] };
  }
  const stated = reading.factor;
  if (stated === null) return { reading: { ...reading, factor }, notes: [`catalog scale "${raw}"`] };
  if (stated === factor) return { reading, notes: [] };
  if (scaleOf(stated) === scaleOf(factor)) {
    return { reading, notes: [`catalog scale "${raw}" is the bucket of ${formatFactor(stated)}, exact factor kept`] };
  }
  const overridden = { ...reading, factor, confidence: reading.confidence - 0.15 };
  return { reading: overridden, notes: [`catalog scale "${raw}" overrides units scale ${formatFactor(stated)}`] };
}

function applyCurrency(reading: UnitReading, raw: string): CatalogOutcome {
  const code = parseCatalogCurrency(raw);
  if (code === null) return { reading, notes: [`catalog currency_code "${raw}" not understood, ignored`] };
  const money = reading.namesMoney;
  if (reading.openToCurrency) {
    const promoted = { ...reading, unitType: 'currency-amount' as const, currency: code, confidence: 0.6 };
    return { reading: promoted, notes: [`catalog currency_code ${code}: a currency amount`] };
  }
  if (!money) {
    const ignored = { ...reading, confidence: reading.confidence - 0.05 };
    return { reading: ignored, notes: [`catalog currency_code ${code} ignored for a ${reading.unitType}`] };
  }
  if (reading.currency === code) return { reading, notes: [] };
  if (reading.currency === null) {
    const filled = { ...reading, currency: code, confidence: Math.max(reading.confidence, 0.85) };
    return { reading: filled, notes: [`catalog currency_code ${code}`] };
  }
  const overridden = { ...reading, currency: code, confidence: reading.confidence - 0.2 };
  return { reading: overridden, notes: [`catalog currency_code ${code} overrides units currency ${reading.currency}`] };
}

/** Applies the catalog's scale, then its currency_code, to what the units said. */
export function applyCatalog(reading: UnitReading, fields: CatalogFields): CatalogOutcome {
  const notes: string[] = [];
  let current = reading;
  if (fields.scale !== null) {
    const outcome = applyScale(current, fields.scale);
    current = outcome.reading;
    notes.push(...outcome.notes);
  }
  if (fields.currency_code !== null) {
    const outcome = applyCurrency(current, fields.currency_code);
    current = outcome.reading;
    notes.push(...outcome.notes);
  }
  return { reading: current, notes };
}

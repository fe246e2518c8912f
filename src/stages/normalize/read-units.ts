/**
 * What the units string alone says: unit type, currency, scale and denominator. The catalog's own
 * scale and currency_code fields are applied afterwards (catalog.ts).
 */
import type { UnitType } from '../../domain/taxonomy.js';
import { findCurrency, isIsoCode, type CurrencyMatch } from './currencies.js';
import { splitPer, type PerSplit } from './per-unit.js';
import { findScale, formatFactor, type ScaleMatch } from './scale.js';
import { foldText, tokens } from './text.js';
import { dimensionlessKind, isTimeUnit, quantityKind, type KindMatch } from './vocabulary.js';

export interface UnitReading {
  unitType: UnitType;
  currency: string | null;
  perUnit: string | null;
  /** The scale the units state; null when they state none. */
  factor: number | null;
  confidence: number;
  /** What was read, for the reason: "currency USD", "scale 1e8", "per barrel". */
  notes: string[];
  /** The units name money, resolved or not ("National currency" without a country). */
  namesMoney: boolean;
  /** Nothing in the units rules out money: a catalog currency_code may make it a currency amount. */
  openToCurrency: boolean;
}

interface Parts {
  split: PerSplit;
  currency: CurrencyMatch | null;
  quantity: KindMatch | null;
  scale: ScaleMatch | null;
}

function reading(unitType: UnitType, confidence: number, parts: Partial<Parts>, extra: Partial<UnitReading> = {}): UnitReading {
  const currency = parts.currency?.code ?? null;
  const factor = parts.scale?.factor ?? null;
  const perUnit = extra.perUnit ?? null;
  const notes = [
    parts.currency ? `currency ${currency ?? `unresolved ("${parts.currency.label}", country unknown)`}` : null,
    parts.quantity ? `"${parts.quantity.word}"` : null,
    factor === null ? null : `scale ${formatFactor(factor)}`,
    perUnit === null ? null : `per ${perUnit}`,
  ].filter((note) => note !== null);
  const namesMoney = parts.currency !== undefined && parts.currency !== null;
  return { unitType, currency, perUnit, factor, confidence, notes, namesMoney, openToCurrency: false, ...extra };
}

/** A currency denominator reads as its code ("LCU per US$" → per USD); others as written. */
function denominatorLabel(denominator: string): string {
  const currency = isIsoCode(denominator) || /[$€£¥]/.test(denominator) ? findCurrency(denominator, null) : null;
  return currency?.code ?? denominator;
}

/**
 * "X per Y". Per a span of time, the numerator keeps its type ("USD per year" is money over a
 * period, "BBL/D" barrels a day); per anything else it is a rate ("USD per barrel", "per 1000 people").
 */
function readPerUnit(parts: Parts): UnitReading {
  const perUnit = parts.split.denominators.map(denominatorLabel).join(' per ');
  const overTime = parts.split.denominators.every(isTimeUnit);
  const numeratorEmpty = tokens(parts.split.numerator).length === 0;
  if (parts.currency) {
    const money = { ...parts, quantity: null };
    return reading(overTime ? 'currency-amount' : 'rate', parts.currency.confidence - 0.05, money, { perUnit });
  }
  if (parts.quantity && !numeratorEmpty) {
    return reading(overTime ? parts.quantity.unitType : 'rate', parts.quantity.confidence - 0.05, parts, { perUnit });
  }
  if (numeratorEmpty) return reading('rate', 0.85, parts, { perUnit });
  // "industry/services": a slash between words that are no units at all.
  return reading('unknown', 0.25, {});
}

function readMoney(parts: Parts): UnitReading {
  const bareCode = parts.currency?.how === 'code' && tokens(parts.split.numerator).length === 1;
  // A bare code ("XAF") is often an exchange rate quoted in it; a later stage decides.
  const confidence = bareCode ? 0.85 : (parts.currency?.confidence ?? 0.5);
  // Money decides, so a quantity word ("pounds" in "pounds sterling") is not reported.
  return reading('currency-amount', confidence, { ...parts, quantity: null });
}

/** Reads a non-empty units string. */
export function readUnits(units: string, country: string | null): UnitReading {
  const split = splitPer(units);
  const numeratorTokens = [...tokens(split.numerator), ...split.scaleSegments.flatMap(tokens)];
  const scale = findScale(numeratorTokens);
  const dimensionless = dimensionlessKind(foldText(units));
  if (dimensionless) return reading(dimensionless.unitType, dimensionless.confidence, { quantity: dimensionless });
  const parts: Parts = {
    split,
    currency: findCurrency(split.numerator, country),
    quantity: quantityKind(foldText(split.numerator)),
    scale,
  };
  if (split.denominators.length > 0) return readPerUnit(parts);
  if (parts.currency) return readMoney(parts);
  if (parts.quantity) return reading(parts.quantity.unitType, parts.quantity.confidence, parts);
  // "Thousands" alone: mostly counts (jobs, housing starts), unless the catalog names a currency.
  if (scale) return reading('count', 0.5, { scale }, { openToCurrency: true });
  return reading('unknown', 0.2, {}, { openToCurrency: true });
}

/** No units at all. */
export function noUnits(): UnitReading {
  return reading('unknown', 0.1, {}, { openToCurrency: true });
}

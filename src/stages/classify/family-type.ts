/** Stages 4 (family) and 5 (type, with temporal aggregation and currency), by rules. */
import type { FamilyResult, TypeResult } from '../../domain/results.js';
import { FAMILY_TYPES, type Family, type IndicatorType } from '../../domain/taxonomy.js';
import { decideCategory, type Category } from './category.js';
import type { Evidence } from './evidence.js';

export function assignFamily(e: Evidence): FamilyResult {
  const decided = decideCategory(e);
  return { family: decided.pair.family, confidence: decided.confidence, source: 'rules', reason: decided.reason };
}

/**
 * The type within `family`. The family may come from elsewhere (an LLM, a person); when it is
 * not the one the rules would pick, the rules fall back to the family's first type, unsure.
 */
export function classifyType(e: Evidence, family: Family): TypeResult {
  const decided = decideCategory(e);
  const agrees = decided.pair.family === family;
  const type: IndicatorType = agrees ? decided.pair.type : (FAMILY_TYPES[family][0] ?? 'other');
  return {
    type,
    temporal_aggregation: decided.aggregation,
    is_currency_denominated: isCurrencyDenominated(e, decided),
    confidence: agrees ? decided.confidence : 0.3,
    source: 'rules',
    reason: agrees ? decided.reason : `family "${family}" was given; "${type}" is its default type`,
  };
}

/**
 * Money amounts and prices in currency units are denominated in a currency; an exchange rate is
 * the price of one currency in another, not an amount, and a share of GDP is not money.
 */
export function isCurrencyDenominated(e: Evidence, decided: Category): boolean {
  if (e.concept?.kind === 'exchange-rate') return false;
  const { unit_type: unit, currency } = e.normalization;
  if (unit === 'currency-amount') return decided.pair.family !== 'change-movement';
  return unit === 'rate' && currency !== null;
}

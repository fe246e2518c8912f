/**
 * Stage 1, normalization (rules): what the units of an indicator are — unit type, scale, currency
 * and denominator — from the units string, the catalog's scale and currency_code fields (which
 * win), the country (for "national currency") and, when the units are missing, the name's
 * parenthesised unit ("GDP per capita (current US$)"). Pure: no I/O.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { NormalizationResult } from '../../domain/results.js';
import { applyCatalog } from './catalog.js';
import { noUnits, readUnits, type UnitReading } from './read-units.js';
import { scaleOf } from './scale.js';

export type NormalizationInput = Pick<Indicator, 'units' | 'scale' | 'currency_code' | 'country' | 'name'>;

/** Units read from the name are a guess: the name describes the series, not its storage. */
const FROM_NAME_DISCOUNT = 0.7;

interface Sourced {
  reading: UnitReading;
  /** Where the reading came from: `units "USD Million"`, `no units; name "(annual %)"`. */
  subject: string;
}

/** The last parenthesised part of the name that reads as a unit: "(annual %)", "(current US$)". */
function readName(name: string, country: string | null): Sourced | null {
  const groups = [...name.matchAll(/\(([^()]+)\)/g)].map((match) => match[1] ?? '').reverse();
  for (const group of groups) {
    const reading = readUnits(group, country);
    if (reading.unitType !== 'unknown') {
      const guessed = { ...reading, confidence: reading.confidence * FROM_NAME_DISCOUNT };
      return { reading: guessed, subject: `no units; name "(${group})"` };
    }
  }
  return null;
}

function readInput(input: NormalizationInput): Sourced {
  const units = input.units?.trim() ?? '';
  if (units !== '') return { reading: readUnits(units, input.country), subject: `units "${units}"` };
  return readName(input.name, input.country) ?? { reading: noUnits(), subject: 'no units' };
}

function clamp(confidence: number): number {
  return Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100;
}

export function normalize(input: NormalizationInput): NormalizationResult {
  const { reading: read, subject } = readInput(input);
  const { reading, notes } = applyCatalog(read, { scale: input.scale, currency_code: input.currency_code });
  const factor = reading.factor ?? 1;
  const described = [reading.unitType, ...reading.notes].join(', ');
  return {
    unit_type: reading.unitType,
    scale: scaleOf(factor),
    scale_factor: factor,
    currency: reading.currency,
    per_unit: reading.perUnit,
    confidence: clamp(reading.confidence),
    source: 'rules',
    reason: [`${subject}: ${described}`, ...notes].join('; '),
  };
}

/** Review values are checked against the taxonomy (src/domain/review-fields.ts): no pair outside it passes. */
import { describe, expect, it } from 'vitest';
import { applyChanges, parseChanges, parseField, parseValue, REVIEW_FIELDS, type Label } from '../src/domain/review-fields.js';
import { Expected } from '../src/eval/labels.js';
import { FAMILY_TYPES, Family, IndicatorType, typeBelongsToFamily } from '../src/domain/taxonomy.js';

const machine: Label = { family: 'physical-fundamental', type: 'flow', temporal_aggregation: 'period-total', is_currency_denominated: false, orientation: 'neutral' };

describe('review fields', () => {
  it('are the fields of a label, so a reviewed row is a labeled row', () => {
    expect([...REVIEW_FIELDS]).toEqual(Expected.keyof().options);
  });

  it('refuse a type outside its family, naming the family\'s types', () => {
    const result = applyChanges(machine, { type: 'price' });
    expect(result).toEqual({
      ok: false,
      error: 'type "price" does not belong to family "physical-fundamental" (its types: stock, flow, balance, capacity, volume); override family and type together (… family F type T)',
    });
    expect(applyChanges(machine, { family: 'price-value' }).ok).toBe(false);
    expect(applyChanges(machine, { family: 'price-value', type: 'price' })).toEqual({ ok: true, value: { ...machine, family: 'price-value', type: 'price' } });
  });

  it('accept exactly the taxonomy\'s (family, type) pairs', () => {
    for (const family of Family.options) {
      for (const type of IndicatorType.options) {
        expect(applyChanges(machine, { family, type }).ok, `${family}/${type}`).toBe(typeBelongsToFamily(family, type));
      }
      expect(FAMILY_TYPES[family].length).toBeGreaterThan(0);
    }
  });

  it('parse values per field, with the allowed ones in the error', () => {
    expect(parseValue('orientation', ' lower-is-positive ')).toEqual({ ok: true, value: 'lower-is-positive' });
    expect(parseValue('is_currency_denominated', 'true')).toEqual({ ok: true, value: true });
    expect(parseValue('is_currency_denominated', 'yes')).toEqual({ ok: false, error: '"yes" is not a valid is_currency_denominated; one of: true, false' });
    expect(parseValue('family', 'bogus')).toMatchObject({ ok: false, error: expect.stringContaining('"bogus" is not a valid family; one of: physical-fundamental,') as unknown });
    expect(parseField('scale')).toEqual({ ok: false, error: '"scale" is not a field that can be reviewed; one of: family, type, temporal_aggregation, is_currency_denominated, orientation' });
  });

  it('parse field/value pairs, refusing a field given twice', () => {
    expect(parseChanges([['family', 'price-value'], ['type', 'price']])).toEqual({ ok: true, value: { family: 'price-value', type: 'price' } });
    expect(parseChanges([['type', 'price'], ['type', 'yield']])).toEqual({ ok: false, error: 'type is given twice' });
    expect(parseChanges([])).toEqual({ ok: false, error: 'no field to override' });
  });
});

/**
 * The content hash of an indicator: sha256 (hex) of its canonical JSON. The workflow key and the
 * database both use it to tell "the same indicator again" from "the indicator changed", so there is
 * exactly one definition of it.
 */
import { createHash } from 'node:crypto';
import type { Indicator } from './indicator.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always give equal
 * text whatever order their keys were written in. Array order is kept (it carries meaning: the
 * order of sample values). `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item ?? null));
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, Json> = {};
    for (const key of Object.keys(value).sort()) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) {
    return value;
  }
  throw new TypeError(`not JSON: ${typeof value}`);
}

/**
 * sha256 hex of the canonical JSON of a validated indicator. Hash the validated form (trimmed text,
 * blank → null, numeric strings → numbers), so catalog spellings that mean the same thing hash alike.
 */
export function contentHash(indicator: Indicator): string {
  return createHash('sha256').update(canonicalJson(indicator), 'utf8').digest('hex');
}

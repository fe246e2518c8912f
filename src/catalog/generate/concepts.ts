/** All concepts of the synthetic catalog, every family and type of the taxonomy among them. */
import { CHANGE_CONCEPTS } from './concepts/change.js';
import { COMPOSITE_CONCEPTS } from './concepts/composite.js';
import { NUMERIC_CONCEPTS } from './concepts/numeric.js';
import { PHYSICAL_CONCEPTS } from './concepts/physical.js';
import { PRICE_CONCEPTS } from './concepts/price.js';
import { TEMPORAL_CONCEPTS } from './concepts/temporal.js';
import type { Concept } from './types.js';

export const CONCEPTS: readonly Concept[] = [
  ...PHYSICAL_CONCEPTS,
  ...NUMERIC_CONCEPTS,
  ...PRICE_CONCEPTS,
  ...CHANGE_CONCEPTS,
  ...COMPOSITE_CONCEPTS,
  ...TEMPORAL_CONCEPTS,
];

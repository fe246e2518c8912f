/**
 * Cumulative detection stays on the values (src/stages/cumulative): the LLM is asked only when
 * the detector could not tell (pattern 'unknown') and the wording suggests accumulation.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { CumulativeResult } from '../../domain/results.js';
import { CUMULATIVE_WORDS } from '../../stages/time/index.js';

export function shouldAskCumulative(indicator: Pick<Indicator, 'name' | 'units'>, rules: CumulativeResult): boolean {
  if (rules.pattern !== 'unknown') return false;
  return CUMULATIVE_WORDS.test(indicator.name) || (indicator.units !== null && CUMULATIVE_WORDS.test(indicator.units));
}

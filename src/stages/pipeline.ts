/**
 * All six analysis stages by rules, in order, for one indicator: pure, no I/O. The durable
 * workflow runs the same stage functions one journaled step at a time.
 */
import type { Indicator } from '../domain/indicator.js';
import { Classification } from '../domain/results.js';
import { gatherEvidence } from './classify/evidence.js';
import { assignFamily, classifyType } from './classify/family-type.js';
import { assignOrientation } from './classify/orientation.js';
import { detectCumulative } from './cumulative/index.js';
import { normalize } from './normalize/index.js';
import { inferTime } from './time/index.js';

export function classifyWithRules(indicator: Indicator): Classification {
  const normalization = normalize(indicator);
  const time = inferTime(indicator);
  const cumulative = detectCumulative(indicator, time.reporting_frequency);
  const evidence = gatherEvidence(indicator, { normalization, time, cumulative });
  const family = assignFamily(evidence);
  const type = classifyType(evidence, family.family);
  const orientation = assignOrientation(evidence);
  // Parsing enforces the schema's invariants (a type within its family) on every result.
  return Classification.parse({
    indicator_id: indicator.id,
    normalization,
    time,
    cumulative,
    family,
    type,
    orientation,
  });
}

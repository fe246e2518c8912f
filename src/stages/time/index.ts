/**
 * Stage 2, time inference (shared/TAXONOMY.md): the reporting frequency from the catalog's
 * periodicity, checked against the spacing of the sample dates, and the time basis from wording.
 *
 * Frequency policy:
 * - periodicity given and the dates agree: that frequency, high confidence;
 * - the dates clearly disagree (at least 3 gaps, 60% of them fitting another regular frequency):
 *   the data wins, both are recorded and the confidence drops;
 * - gaps that are whole multiples of the declared period (missing observations, a fortnightly
 *   series called weekly) do not count as disagreement;
 * - no usable periodicity: the spacing, else the date form (YYYY-Qn), else a frequency word in the
 *   name, else 'irregular' with a confidence near 0.1: "irregular" then means "no regular frequency is
 *   known", and the low confidence sends it to review rather than pretending to a guess.
 */
import type { Indicator } from '../../domain/indicator.js';
import type { TimeInferenceResult } from '../../domain/results.js';
import type { ReportingFrequency } from '../../domain/taxonomy.js';
import { inferTimeBasis } from './basis.js';
import { timeConfidence, type FrequencyCue } from './confidence.js';
import { frequencyHintFromText, parsePeriodicity, type DeclaredFrequency } from './periodicity.js';
import { fitShare, observeFrequency, type ObservedFrequency } from './spacing.js';

export type TimeInput = Pick<Indicator, 'name' | 'periodicity' | 'units' | 'description' | 'sample_values'>;

export { CUMULATIVE_WORDS } from './basis.js';
export { parsePeriodicity, type DeclaredFrequency } from './periodicity.js';
export { observeFrequency, type ObservedFrequency } from './spacing.js';

/** Gaps needed before the dates may overrule the catalog, and the share that must fit. */
const MIN_GAPS_TO_OVERRULE = 3;
const MIN_SHARE_TO_OVERRULE = 0.6;

export interface FrequencyDecision {
  frequency: ReportingFrequency;
  declared: ReportingFrequency | null;
  observed: ReportingFrequency | null;
  /** The evidence behind it (confidence.ts weighs it). */
  cues: readonly FrequencyCue[];
  reason: string;
}

type Declared = Extract<DeclaredFrequency, { kind: 'declared' }>;
type Spacing = Extract<ObservedFrequency, { kind: 'spacing' }>;

function describeSpacing(observed: Spacing): string {
  const gaps = observed.gaps.length;
  return `${gaps} gap${gaps === 1 ? '' : 's'}, median ${Math.round(observed.medianDays)} d`;
}

/** Periodicity given, dates spaced: agree, overrule, or note a weak disagreement. */
function declaredVersusSpacing(declared: Declared, observed: Spacing): FrequencyDecision {
  const base = { declared: declared.frequency, observed: observed.frequency };
  const from = `${declared.frequency} from periodicity "${declared.text}"`;
  const gaps = observed.gaps.length;
  if (observed.frequency === declared.frequency) {
    const strong = gaps >= MIN_GAPS_TO_OVERRULE && observed.share >= MIN_SHARE_TO_OVERRULE;
    const cues: FrequencyCue[] = strong ? ['declared', 'datesConfirm', 'manyDates'] : ['declared', 'datesConfirm'];
    return { ...base, frequency: declared.frequency, cues, reason: `${from}, confirmed by the dates (${describeSpacing(observed)})` };
  }
  if (observed.frequency === 'irregular' && fitShare(observed.gaps, declared.frequency) >= MIN_SHARE_TO_OVERRULE) {
    return { ...base, frequency: declared.frequency, cues: ['declared', 'datesMissing'], reason: `${from}; dates spaced by whole periods with observations missing (${describeSpacing(observed)})` };
  }
  const clear = observed.frequency !== 'irregular' && gaps >= MIN_GAPS_TO_OVERRULE && observed.share >= MIN_SHARE_TO_OVERRULE;
  if (clear) {
    return { ...base, frequency: observed.frequency, cues: ['overruled', 'manyDates'], reason: `dates are ${observed.frequency} (${describeSpacing(observed)}) but periodicity "${declared.text}" says ${declared.frequency}: the data wins` };
  }
  return { ...base, frequency: declared.frequency, cues: ['declared', 'datesDisagree'], reason: `${from}; the dates look ${observed.frequency} (${describeSpacing(observed)}), too little evidence to overrule` };
}

function fromDeclared(declared: Declared, observed: ObservedFrequency): FrequencyDecision {
  const from = `${declared.frequency} from periodicity "${declared.text}"`;
  switch (observed.kind) {
    case 'none': {
      const why = observed.dated > 0 ? 'all dated observations share one date' : 'no dated observations to check';
      return { frequency: declared.frequency, declared: declared.frequency, observed: null, cues: ['declared'], reason: `${from} (${why})` };
    }
    case 'granularity': {
      const agrees = observed.frequency === declared.frequency;
      return {
        frequency: declared.frequency,
        declared: declared.frequency,
        observed: observed.frequency,
        cues: ['declared', agrees ? 'formConfirms' : 'formDisagrees'],
        reason: agrees ? `${from}, matching the ${observed.granularity} date form` : `${from}; the ${observed.granularity} date form suggests ${observed.frequency}`,
      };
    }
    case 'spacing':
      return declaredVersusSpacing(declared, observed);
  }
}

/** No periodicity to go on: the dates, the date form, a word in the name, or nothing. */
function fromEvidence(observed: ObservedFrequency, input: TimeInput, missing: string): FrequencyDecision {
  const none = { declared: null };
  if (observed.kind === 'spacing' && (observed.frequency !== 'irregular' || observed.gaps.length >= MIN_GAPS_TO_OVERRULE)) {
    const many = observed.gaps.length >= MIN_GAPS_TO_OVERRULE && observed.share >= MIN_SHARE_TO_OVERRULE;
    const cues: FrequencyCue[] = observed.frequency === 'irregular' ? ['spacingIrregular'] : many ? ['spacing', 'manyDates'] : ['spacing'];
    return { ...none, frequency: observed.frequency, observed: observed.frequency, cues, reason: `${observed.frequency} from the dates (${describeSpacing(observed)}); ${missing}` };
  }
  if (observed.kind === 'granularity') {
    return { ...none, frequency: observed.frequency, observed: observed.frequency, cues: ['dateForm'], reason: `${observed.frequency} from the ${observed.granularity} date form; ${missing}` };
  }
  const observedFrequency = observed.kind === 'spacing' ? observed.frequency : null;
  const hint = frequencyHintFromText(`${input.name} ${input.units ?? ''} ${input.description ?? ''}`);
  if (hint !== null) {
    return { ...none, frequency: hint, observed: observedFrequency, cues: ['wordHint'], reason: `${hint} from a word in the name or description; ${missing}` };
  }
  return { ...none, frequency: 'irregular', observed: observedFrequency, cues: ['unknown'], reason: `no frequency known (${missing}, too few dates): irregular` };
}

export function inferFrequency(input: TimeInput): FrequencyDecision {
  const declared = parsePeriodicity(input.periodicity);
  const observed = observeFrequency(input.sample_values);
  switch (declared.kind) {
    case 'declared':
      return fromDeclared(declared, observed);
    case 'unrecognised':
      return fromEvidence(observed, input, `periodicity "${declared.text}" not recognised`);
    case 'absent':
      return fromEvidence(observed, input, 'no periodicity');
  }
}

export function inferTime(input: TimeInput): TimeInferenceResult {
  const frequency = inferFrequency(input);
  const basis = inferTimeBasis({ name: input.name, units: input.units, description: input.description });
  return {
    reporting_frequency: frequency.frequency,
    time_basis: basis.basis,
    declared_frequency: frequency.declared,
    observed_frequency: frequency.observed,
    // Both halves must be right: one LLM question answers both.
    confidence: timeConfidence(frequency.cues, basis.cues),
    source: 'rules',
    reason: `${frequency.reason}; ${basis.reason}`,
  };
}

/** Validation of decoded rows against the Indicator schema, plus the catalog-wide unique-id rule. */
import type { z } from 'zod';
import { Indicator } from '../domain/indicator.js';
import type { CatalogRow, RawRow, RowProblem } from './types.js';

type Issue = z.core.$ZodIssue;

/** What to do with an id seen before: the catalog rule is to reject it; 'allow' is for labeled eval sets. */
export type DuplicateIdPolicy = 'reject' | 'allow';

/**
 * A validator for one catalog read. It remembers only id → first line, so that later repeats are
 * rejected. Every row with a usable id claims it, even a rejected one: the duplicate is in the file
 * either way, and reporting it now saves a second round of fixes.
 */
export function createRowValidator(duplicateIds: DuplicateIdPolicy = 'reject'): (raw: RawRow) => CatalogRow {
  const firstLineById = new Map<string, number>();
  return (raw) => {
    if (raw.kind === 'broken') return { kind: 'rejected', line: raw.line, id: null, problems: [{ field: 'row', reason: raw.reason }] };
    if (!isPlainObject(raw.value)) {
      return { kind: 'rejected', line: raw.line, id: null, problems: [{ field: 'row', reason: `not an object: ${describe(raw.value)}` }] };
    }
    const parsed = Indicator.safeParse(raw.value);
    const problems = [...raw.problems, ...(parsed.success ? [] : parsed.error.issues.map((issue) => toProblem(issue, raw.value)))];
    const id = parsed.success ? parsed.data.id : usableId(raw.value.id);
    if (id !== null && duplicateIds === 'reject') {
      const first = firstLineById.get(id);
      if (first === undefined) firstLineById.set(id, raw.line);
      else problems.unshift({ field: 'id', reason: `duplicate id ${JSON.stringify(id)} (first seen on line ${first})` });
    }
    if (parsed.success && problems.length === 0) return { kind: 'accepted', line: raw.line, indicator: parsed.data };
    return { kind: 'rejected', line: raw.line, id, problems };
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id as the schema would normalise it, when there is one: a rejected row is still named by it. */
function usableId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

/** "sample_values[2].date" from ["sample_values", 2, "date"]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One zod issue as a problem a person can act on: what is wrong and with which value. */
function toProblem(issue: Issue, root: unknown): RowProblem {
  const field = issue.path.length === 0 ? 'row' : fieldPath(issue.path);
  return { field, reason: reasonFor(issue, valueAt(root, issue.path)) };
}

function reasonFor(issue: Issue, value: unknown): string {
  const last = issue.path[issue.path.length - 1];
  if (value == null && typeof last === 'string' && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return `missing ${last}`;
  }
  switch (issue.code) {
    case 'invalid_union':
      return `${unionReason(issue.errors)}: ${describe(value)}`;
    case 'invalid_type':
      return `${stripPrefix(issue.message)}: ${describe(value)}`;
    default:
      // Custom messages (dates, "missing id") already say what and which value.
      return stripPrefix(issue.message);
  }
}

/**
 * A union failed on every branch. A branch that got past the type check (a string that is not a
 * number) says most; otherwise list the types that would have done.
 */
function unionReason(branches: readonly (readonly Issue[])[]): string {
  const specific = branches.flat().find((issue) => issue.code !== 'invalid_type');
  if (specific !== undefined) return stripPrefix(specific.message);
  const expected = branches.flat().flatMap((issue) => (issue.code === 'invalid_type' ? [issue.expected] : []));
  return `expected ${[...new Set(expected)].join(' or ')}`;
}

function stripPrefix(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

const MAX_SHOWN = 60;

/** A short rendering of an offending value for a message. */
export function describe(value: unknown): string {
  // JSON.stringify would show Infinity (a JSON number such as 1e400) as null.
  const text = value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? String(value) : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

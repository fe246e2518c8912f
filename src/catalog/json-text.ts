/**
 * Decoding one row's JSON text, with the limits JSON.parse does not have. JSON.parse itself copes with
 * any nesting, but JSON.stringify, zod and Postgres' jsonb recurse: a row nested 100,000 deep
 * (`[[[[…]]]]`) overflowed the stack and lost the whole file. The depth is measured on the text, before
 * parsing, so such a row is never built.
 */

/** Objects and arrays nested deeper than this are refused; a row needs 3 (row, sample_values, a value). */
export const MAX_DEPTH = 32;

/** A row's JSON text longer than this is refused (a JSON array element: the whole file is then broken). */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;

export type JsonDecode = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses `text` unless it nests deeper than `maxDepth` (the row counts as one level: a CSV cell inside a
 * row gets MAX_DEPTH - 1).
 */
export function decodeJson(text: string, maxDepth = MAX_DEPTH): JsonDecode {
  if (text.length > MAX_ROW_CHARS) return { ok: false, reason: `longer than ${MAX_ROW_CHARS} characters` };
  if (nestsDeeperThan(text, maxDepth)) return { ok: false, reason: `nested deeper than ${MAX_DEPTH} levels of arrays and objects` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${errorMessage(error)}` };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/** True when brackets outside strings nest deeper than `limit` anywhere in `text`. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPENERS.has(c)) {
      depth += 1;
      if (depth > limit) return true;
    } else if (CLOSERS.has(c)) depth -= 1;
  }
  return false;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

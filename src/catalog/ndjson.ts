/** NDJSON / JSON Lines: one JSON value per line, read line by line. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RawRow } from './types.js';

/** Yields one raw row per non-blank line; line numbers are the file's 1-based lines. */
export async function* readNdjson(path: string): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const content = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (content.trim() === '') continue;
    yield parseJsonRow(content, line);
  }
}

/** Decodes one JSON text; a syntax error makes the row broken rather than stopping the read. */
export function parseJsonRow(text: string, line: number): RawRow {
  try {
    return { kind: 'parsed', line, value: JSON.parse(text) as unknown, problems: [] };
  } catch (error) {
    return { kind: 'broken', line, reason: `invalid JSON: ${errorMessage(error)}` };
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

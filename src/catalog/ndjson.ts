/** NDJSON / JSON Lines: one JSON value per line, read line by line. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeJson } from './json-text.js';
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

/** Decodes one JSON text; a syntax error or a limit makes the row broken rather than stopping the read. */
export function parseJsonRow(text: string, line: number): RawRow {
  const decoded = decodeJson(text);
  return decoded.ok ? { kind: 'parsed', line, value: decoded.value, problems: [] } : { kind: 'broken', line, reason: decoded.reason };
}

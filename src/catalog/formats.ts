/** Which reader a catalog file needs. */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CatalogFormat } from './types.js';

const BY_EXTENSION: Readonly<Record<string, CatalogFormat>> = {
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
};

/** The format an extension names, or null when it names none. */
export function formatFromExtension(path: string): CatalogFormat | null {
  return BY_EXTENSION[extname(path).toLowerCase()] ?? null;
}

/**
 * The format to read `path` with. An explicit `override` is taken as is. A `.json` file is often really
 * NDJSON, so it is an array only when its first non-blank character is '['.
 */
export async function detectFormat(path: string, override?: CatalogFormat): Promise<CatalogFormat> {
  if (override !== undefined) return override;
  const byExtension = formatFromExtension(path);
  if (byExtension === null) {
    throw new Error(`${path}: cannot tell the catalog format from the extension; use .json, .ndjson, .jsonl or .csv, or pass a format`);
  }
  if (byExtension !== 'json') return byExtension;
  return (await firstNonBlankChar(path)) === '[' ? 'json' : 'ndjson';
}

const PEEK_BYTES = 64 * 1024;

/** Reads only the head of the file; a file that is blank for its first 64 KiB counts as blank. */
async function firstNonBlankChar(path: string): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const match = /\S/.exec(head);
    return match ? match[0] : null;
  } finally {
    await handle.close();
  }
}

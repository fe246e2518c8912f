/** The end of the engine's log, to explain a failed start. */
import { open } from 'node:fs/promises';

/** The last `lines` lines written at or after byte `from` (at most the last 64 KiB of them). */
export async function logTail(path: string, from = 0, lines = 40): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const start = Math.max(from, size - 65_536);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      await file.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      await file.close();
    }
  } catch {
    return '(no log)';
  }
}

/**
 * Where the SDK's log lines go when the endpoint runs inside `classify run`: a file in the data
 * directory, so a run's terminal shows progress, not one line per invocation.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import type * as restate from '@restatedev/restate-sdk';

export function fileLogger(path: string): { logger: restate.LoggerTransport; close(): Promise<void> } {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path, { flags: 'a' });
  const logger: restate.LoggerTransport = (meta, message: unknown, ...rest: unknown[]) => {
    if (meta.replaying) return;
    const where = meta.context ? ` [${meta.context.serviceName}/${meta.context.key ?? ''}/${meta.context.handlerName}]` : '';
    out.write(`${new Date().toISOString()} ${meta.level.toUpperCase()}${where} ${format(message, ...rest)}\n`);
  };
  return { logger, close: () => new Promise((resolve) => out.end(resolve)) };
}

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

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The SDK's lines at `level` and above on stderr. `classify serve` defaults to warn: at info the SDK
 * writes a line per invocation, thousands a minute, which buries the lines that matter.
 */
export function consoleLogger(level: LogLevel): restate.LoggerTransport {
  const least = LOG_LEVELS.indexOf(level);
  return (meta, message: unknown, ...rest: unknown[]) => {
    if (meta.replaying || LOG_LEVELS.indexOf(meta.level) < least) return;
    const where = meta.context ? ` [${meta.context.invocationTarget}][${meta.context.invocationId}]` : '';
    process.stderr.write(`${new Date().toISOString()} ${meta.level.toUpperCase()}${where} ${format(message, ...rest)}\n`);
  };
}

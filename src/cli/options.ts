import { InvalidArgumentError, Option } from 'commander';

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}

export function catalogFormatOption(): Option {
  return new Option('--format <format>', 'catalog format (default: from the file extension)').choices([
    'json',
    'ndjson',
    'csv',
  ]);
}

/** A commander parser for a number from 0 to 1 (a confidence). */
export function unitInterval(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return parsed;
}

/** A commander parser for a TCP port to listen on (0: any free port). */
export function listenPort(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return parsed;
}

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

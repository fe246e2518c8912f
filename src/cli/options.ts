import { Option } from 'commander';

export function catalogFormatOption(): Option {
  return new Option('--format <format>', 'catalog format (default: from the file extension)').choices([
    'json',
    'ndjson',
    'csv',
  ]);
}

/** Where the product keeps what it writes locally: ./.classify, or CLASSIFY_DATA_DIR. */
import { resolve } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CLASSIFY_DATA_DIR ?? '.classify');
}

export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(dataDir(env), 'reports');
}

/**
 * The build version a service endpoint serves under (`/v/<version>`, issue 11 item 2): a hash of the
 * code this process runs (every file under dist/, or src/ when run from source), so it changes when
 * the code changes and is the same for every process started from one build. Restate pins each
 * invocation to the deployment (URL) it started on, so a new build is a new deployment and running
 * invocations finish on the code they started with.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Overrides the computed version (tests that upgrade an endpoint without rebuilding; operators pinning a release name). */
export const BUILD_VERSION_VARIABLE = 'CLASSIFY_BUILD_VERSION';

const VERSION_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The code's root: dist/ (or src/), the folder above this file's. */
const CODE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

let computed: Promise<string> | undefined;

/** The override from `env` when set (validated), else the hash of the code, computed once per process. */
export async function buildVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const configured = env[BUILD_VERSION_VARIABLE]?.trim();
  if (configured !== undefined && configured !== '') {
    if (!VERSION_PATTERN.test(configured)) throw new Error(`${BUILD_VERSION_VARIABLE} must be 1–64 letters, digits, '.', '_' or '-', got ${JSON.stringify(configured)}`);
    return configured;
  }
  computed ??= hashTree(CODE_ROOT);
  return computed;
}

/** The path prefix an endpoint of `version` serves under. */
export function versionPath(version: string): string {
  return `/v/${version}`;
}

/** The version in a deployment URL (`…/v/<version>`), or null for one without. */
export function versionOfUrl(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const match = /\/v\/([A-Za-z0-9._-]{1,64})\/?$/.exec(path);
  return match?.[1] ?? null;
}

/** sha256 over every file's path and bytes, in path order (source maps left out: they name absolute paths). */
async function hashTree(root: string): Promise<string> {
  const files = (await listFiles(root)).filter((file) => !file.endsWith('.map')).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

/** Where the restate-server binary lives: the platform package that @restatedev/restate-server installs. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SUPPORTED = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];

/** The npm package that carries the binary for this machine, e.g. @restatedev/restate-server-linux-x64. */
export function platformPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `@restatedev/restate-server-${platform}-${arch}`;
}

/**
 * The path of the real restate-server executable. We run the binary itself, never the npm wrapper
 * script: killing the wrapper leaves the server orphaned.
 */
export function restateServerBinary(platform: string = process.platform, arch: string = process.arch): string {
  const pkg = platformPackage(platform, arch);
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    const hint = SUPPORTED.includes(`${platform}-${arch}`)
      ? 'reinstall with optional dependencies enabled (npm install --include=optional)'
      : `restate-server ships binaries only for ${SUPPORTED.join(', ')}`;
    throw new Error(`restate-server binary not found: package ${pkg} is not installed; ${hint}`);
  }
  const binary = join(dirname(manifest), 'bin', 'restate-server');
  if (!existsSync(binary)) throw new Error(`restate-server binary not found at ${binary}`);
  return binary;
}

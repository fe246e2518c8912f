/** Which code a bench measured: the checkout's commit, and whether its tree had changes not committed. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CodeVersion {
  /** null outside a git checkout (an npm install). */
  readonly commit: string | null;
  /** Uncommitted changes in the checkout: the figures are then of code no commit holds. */
  readonly dirty: boolean | null;
}

/** The package root: dist/bench/ → ../.. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function codeVersion(): CodeVersion {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
    } catch {
      return null;
    }
  };
  const commit = git(['rev-parse', '--short=12', 'HEAD']);
  if (commit === null) return { commit: null, dirty: null };
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status !== '' };
}

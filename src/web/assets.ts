/**
 * The page's files: its own (web/ at the package root: plain HTML, CSS and ES modules, no build
 * step) and the charting library straight from node_modules. A fixed list read once at start, so
 * no request path ever reaches the file system.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** web/ beside src/ and dist/: the same from the sources (tests) and from the build. */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function typeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
}

export async function loadAssets(): Promise<Map<string, StaticFile>> {
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));
  const files: [string, string][] = [
    ['index.html', join(WEB_DIR, 'index.html')],
    ['app.js', join(WEB_DIR, 'app.js')],
    ['views.js', join(WEB_DIR, 'views.js')],
    ['style.css', join(WEB_DIR, 'style.css')],
    ['uPlot.esm.js', join(uplot, 'uPlot.esm.js')],
    ['uPlot.min.css', join(uplot, 'uPlot.min.css')],
  ];
  const assets = new Map<string, StaticFile>();
  for (const [name, path] of files) assets.set(name, { body: await readFile(path), type: typeOf(name) });
  return assets;
}

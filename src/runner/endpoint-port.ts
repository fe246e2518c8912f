/**
 * The in-process service endpoint keeps one port per data directory. Restate pins an invocation to
 * the deployment (URL) that started it, so a run that resumes after a crash, of the same build, must
 * come back at the same URL (`…/v/<build version>`); one of another build ends them (orphans.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function endpointPort(dataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const configured = env.CLASSIFY_ENDPOINT_PORT?.trim();
  if (configured) return Number(configured);
  const file = join(dataDir, 'endpoint.json');
  const saved = await readFile(file, 'utf8').then((text) => (JSON.parse(text) as { port?: unknown }).port, () => undefined);
  if (typeof saved === 'number' && Number.isInteger(saved) && saved > 0) return saved;
  const port = await freePort();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify({ port })}\n`);
  return port;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

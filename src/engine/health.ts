/**
 * Is the engine up? Admin `GET /health` and ingress `GET /restate/health` answer 200 about a second
 * before the partitions are ready: until then SQL queries fail ("node lookup for partition 0 failed",
 * "expecting a partition store"). So readiness also needs a query that touches every partition.
 */

export interface EngineHealth {
  admin: boolean;
  ingress: boolean;
  /** A SQL query over every partition succeeds. */
  partitions: boolean;
  /** Of a comma-separated ingress list, the URLs that do not answer (a message names them, not the whole list). */
  ingressDown: string[];
}

/** Scans every partition; the inbox is small (only invocations queued behind a busy key). */
const PARTITIONS_QUERY = 'select count(*) as n from sys_inbox';

/** True when `GET url` answers 2xx within the timeout; never throws. */
export async function probe(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** True when the admin SQL endpoint answers a query over every partition; never throws. */
export async function partitionsReady(adminUrl: string, timeoutMs = 5_000): Promise<boolean> {
  try {
    const response = await fetch(new URL('/query', adminUrl), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ query: PARTITIONS_QUERY }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export function adminHealthUrl(adminUrl: string): string {
  return new URL('/health', adminUrl).href;
}

export function ingressHealthUrl(ingressUrl: string): string {
  return new URL('/restate/health', ingressUrl).href;
}

/** The URLs of a comma-separated list (an external cluster may offer several ingress nodes). */
export function splitUrls(urls: string): string[] {
  return urls.split(',').map((url) => url.trim()).filter((url) => url !== '');
}

/** `ingressUrl` may be a comma-separated list: every ingress must answer. */
export async function engineHealth(urls: { adminUrl: string; ingressUrl: string }): Promise<EngineHealth> {
  const [admin, ingresses] = await Promise.all([
    probe(adminHealthUrl(urls.adminUrl)),
    Promise.all(splitUrls(urls.ingressUrl).map((url) => probe(ingressHealthUrl(url)))),
  ]);
  const listed = splitUrls(urls.ingressUrl);
  const ingressDown = listed.filter((_, index) => ingresses[index] !== true);
  const ingress = listed.length > 0 && ingressDown.length === 0;
  const partitions = admin && (await partitionsReady(urls.adminUrl));
  return { admin, ingress, partitions, ingressDown };
}

export function isHealthy(health: EngineHealth): boolean {
  return health.admin && health.ingress && health.partitions;
}

export interface WaitForHealthOptions {
  adminUrl: string;
  ingressUrl: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked between probes: a reason to give up at once (e.g. the process exited), or null. */
  failed?: () => string | null;
}

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Polls until the engine is healthy (endpoints and partitions), the bounded timeout passes, or `failed` says stop. */
export async function waitForHealth(options: WaitForHealthOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = options.failed?.() ?? null;
    if (reason !== null) throw new Error(reason);
    const health = await engineHealth(options);
    if (isHealthy(health)) return;
    if (Date.now() >= deadline) {
      const down = [
        health.admin ? null : `admin ${options.adminUrl} not answering`,
        health.ingress ? null : `ingress ${health.ingressDown.join(', ') || options.ingressUrl} not answering`,
        !health.admin || health.partitions ? null : 'partitions not ready',
      ];
      throw new Error(`engine not healthy after ${Math.round(timeoutMs / 1000)} s: ${down.filter((part) => part !== null).join(', ')}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/**
 * Which engine to use: an external one named by RESTATE_INGRESS_URL + RESTATE_ADMIN_URL, else the one
 * recorded in `<dataDir>/restate/engine.json` if it runs, else none (and `ensureEngine` starts one).
 */
import { engineHealth, isHealthy, splitUrls, waitForHealth, type EngineHealth } from './health.js';
import { adoptEngine, startEngine, type Engine } from './process.js';
import { portsFromEnv } from './ports.js';
import { isAlive, isOurEngine, readEngineState } from './state.js';

export interface FoundEngine {
  /** One URL, or (from RESTATE_INGRESS_URL) several, comma-separated. */
  ingressUrl: string;
  adminUrl: string;
  /** null for an external engine: not ours to stop. */
  pid: number | null;
  /** `env`: RESTATE_INGRESS_URL/RESTATE_ADMIN_URL; `local`: started by `classify engine start`. */
  source: 'env' | 'local';
  startedAt: string | null;
  /**
   * A local engine started by a `classify run` for itself: that run's pid, and whether it is gone
   * (the engine is then an orphan, adopted and stopped by the next run). null: started to stay up.
   */
  owner: { pid: number; gone: boolean } | null;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The engine to use, or null when none is configured or running. Does not check its health. */
export async function findEngine(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<FoundEngine | null> {
  const ingress = env.RESTATE_INGRESS_URL?.trim() ?? '';
  const admin = env.RESTATE_ADMIN_URL?.trim() ?? '';
  if (ingress !== '' || admin !== '') {
    if (ingress === '' || admin === '') {
      throw new Error('an external engine needs both RESTATE_INGRESS_URL and RESTATE_ADMIN_URL (only one is set)');
    }
    // RESTATE_INGRESS_URL may list several nodes of one cluster, comma-separated.
    const ingressUrls = splitUrls(ingress);
    for (const [name, url] of [...ingressUrls.map((url) => ['RESTATE_INGRESS_URL', url] as const), ['RESTATE_ADMIN_URL', admin] as const]) {
      if (!URL.canParse(url)) throw new Error(`${name} is not a URL: ${JSON.stringify(url)}`);
    }
    return { ingressUrl: ingressUrls.map(trimSlash).join(','), adminUrl: trimSlash(admin), pid: null, source: 'env', startedAt: null, owner: null };
  }
  const recorded = await readEngineState(dataDir);
  if (recorded === null || !(await isOurEngine(recorded.pid, dataDir))) return null;
  const owner = recorded.owner === undefined ? null : { pid: recorded.owner, gone: !(await isAlive(recorded.owner)) };
  return { ingressUrl: recorded.ingressUrl, adminUrl: recorded.adminUrl, pid: recorded.pid, source: 'local', startedAt: recorded.startedAt, owner };
}

/**
 * An engine to use; `owned` ones were started here, or adopted (`adoptedFrom`: the pid of the run
 * that started it and died), and must be stopped by the caller.
 */
export type EnsuredEngine = { engine: Engine; owned: true; adoptedFrom?: number } | { engine: FoundEngine; owned: false };

export interface EnsureEngineOptions {
  /** How long to wait for health (of a found engine, or one started here); default 60 s. */
  healthTimeoutMs?: number;
}

/**
 * The engine `classify run` uses: a configured or running one (waiting until it is healthy), or else
 * one started here, attached to this process (ports from CLASSIFY_ENGINE_*_PORT or free ones).
 */
export async function ensureEngine(dataDir: string, env: NodeJS.ProcessEnv = process.env, options: EnsureEngineOptions = {}): Promise<EnsuredEngine> {
  const found = await findEngine(dataDir, env);
  const timeoutMs = options.healthTimeoutMs ?? 60_000;
  if (found?.owner?.gone === true && found.pid !== null) {
    // Left running by a run that was killed: this run takes it over, and stops it when it ends.
    const engine = await adoptEngine(dataDir, { ...found, pid: found.pid });
    await waitForHealth({ ...engine, timeoutMs }).catch(async (error: unknown) => {
      await engine.stop();
      throw new Error(`the engine left by a run that died (pid ${engine.pid}) is not healthy: ${error instanceof Error ? error.message : String(error)}`);
    });
    return { engine, owned: true, adoptedFrom: found.owner.pid };
  }
  if (found !== null) {
    await waitForHealth({ ...found, timeoutMs }).catch((error: unknown) => {
      const where = found.source === 'env' ? 'RESTATE_INGRESS_URL/RESTATE_ADMIN_URL' : `pid ${found.pid ?? '?'}`;
      throw new Error(`the engine (${where}) is not healthy: ${error instanceof Error ? error.message : String(error)}`);
    });
    return { engine: found, owned: false };
  }
  const engine = await startEngine({ dataDir, ports: portsFromEnv(env), healthTimeoutMs: timeoutMs });
  return { engine, owned: true };
}

export interface EngineStatus {
  running: boolean;
  healthy: boolean;
  health: EngineHealth;
  engine: FoundEngine | null;
  uptimeMs: number | null;
}

/** What `classify engine status` reports. */
export async function engineStatus(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<EngineStatus> {
  const engine = await findEngine(dataDir, env);
  if (engine === null) return { running: false, healthy: false, health: { admin: false, ingress: false, partitions: false, ingressDown: [] }, engine: null, uptimeMs: null };
  const health = await engineHealth(engine);
  const uptimeMs = engine.startedAt === null ? null : Math.max(0, Date.now() - Date.parse(engine.startedAt));
  return { running: true, healthy: isHealthy(health), health, engine, uptimeMs };
}

/** Who the engine belongs to, for status lines; null for an external one or one started to stay up. */
export function describeOwner(engine: FoundEngine): string | null {
  if (engine.owner === null) return null;
  return engine.owner.gone
    ? `LEFT OVER by classify run pid ${engine.owner.pid}, which is gone: the next \`classify run\` adopts and stops it; \`classify engine stop\` stops it now`
    : `owned by classify run pid ${engine.owner.pid} (stops with it)`;
}

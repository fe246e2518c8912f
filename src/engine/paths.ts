/** Where the engine keeps its files under the product's data directory. */
import { join, resolve } from 'node:path';

/** The node name; Restate keeps the node's state under `<engineDir>/<ENGINE_NODE_NAME>/`. */
export const ENGINE_NODE_NAME = 'classify';

export interface EnginePaths {
  /** `<dataDir>/restate`: restate-server's base dir, its config and engine.json. */
  dir: string;
  config: string;
  state: string;
  /** Held while a start is in progress. */
  lock: string;
  log: string;
}

/** Absolute paths, so that the config path on the server's command line identifies the data directory. */
export function enginePaths(dataDir: string): EnginePaths {
  const root = resolve(dataDir);
  const dir = join(root, 'restate');
  return {
    dir,
    config: join(dir, 'restate.toml'),
    state: join(dir, 'engine.json'),
    lock: join(dir, 'start.lock'),
    log: join(root, 'logs', 'restate.log'),
  };
}

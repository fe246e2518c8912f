/** An exclusive start lock per data directory, so that two concurrent starts cannot both spawn a server. */
import { open, readFile, rm } from 'node:fs/promises';
import { isAlive } from './state.js';

async function holder(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Runs `body` holding `path` (created exclusively, holding our pid); a lock whose holder died is taken over. */
export async function withStartLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = await holder(path);
      if (pid !== null && (await isAlive(pid))) {
        throw new Error(`another process (pid ${pid}) is starting the engine for this data directory`);
      }
      await rm(path, { force: true });
    }
  }
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}

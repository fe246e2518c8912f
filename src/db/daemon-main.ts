/**
 * The process `classify db start` launches: `node daemon-main.js <dataDir>`. It serves the embedded
 * database of that directory until SIGTERM or SIGINT, then stops PGlite cleanly (files closed,
 * server file removed) and exits.
 */
import { startEmbeddedDatabase } from './embedded.js';

async function main(dir: string | undefined): Promise<void> {
  if (dir === undefined) throw new Error('usage: daemon-main.js <data dir>');
  const db = await startEmbeddedDatabase(dir);
  if (db.reused) {
    // Another process already serves these files: a second server cannot open them.
    process.stderr.write(`${new Date().toISOString()} database already served at ${db.url}; nothing to do\n`);
    return;
  }
  process.stdout.write(`${new Date().toISOString()} serving ${dir} at ${db.url} (pid ${process.pid})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.stdout.write(`${new Date().toISOString()} ${signal}: stopping\n`);
  await db.stop();
  process.stdout.write(`${new Date().toISOString()} stopped\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${new Date().toISOString()} database daemon: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

// `classify llm-sim` as a user starts it: the built command, a port, then the SDK pointed at it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const CLI = process.env.CLASSIFY_CLI ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist/cli/main.js');

describe('classify llm-sim', () => {
  it('prints its base URL, says it is a simulator, answers the SDK, and logs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'classify-llm-sim-cli-'));
    const log = join(dir, 'sim.ndjson');
    const child = spawn(process.execPath, [CLI, 'llm-sim', '--port', '0', '--rpm', '100', '--seed', '5', '--log', log], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const banner = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('log: ')) resolve(stdout);
        });
        child.once('exit', () => {
          reject(new Error(`llm-sim exited: ${stderr}`));
        });
      });
      const printed = await banner;
      const url = printed.split('\n')[0] ?? '';
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(printed).toContain('simulator: answers are computed by the classify rule engine, not a model');

      const client = new OpenAI({ baseURL: url, apiKey: 'any', maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: 'gpt-5-nano',
        messages: [
          { role: 'system', content: 'Answer in JSON.' }, // json_object requires the word, as the real API does.
          { role: 'user', content: JSON.stringify({ indicators: [{ id: 'X', name: 'Consumer Price Index', units: 'Index' }] }) },
        ],
        response_format: { type: 'json_object' },
      });
      const answer = JSON.parse(completion.choices[0]?.message.content ?? '') as { results: { id: string }[] };
      expect(answer.results.map((r) => r.id)).toEqual(['X']);

      child.kill('SIGTERM');
      await once(child, 'exit');
      expect(stderr).toContain('llm-sim: 1 requests {"200":1}');
      expect((await readFile(log, 'utf8')).trim().split('\n')).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

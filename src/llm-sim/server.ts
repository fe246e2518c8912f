/**
 * `classify llm-sim`: a local OpenAI-compatible server for tests and benchmarks. It is a simulator:
 * its answers are computed by the classify rule engine, not a model (see answer.ts for the
 * request / answer convention). It speaks the Chat Completions wire protocol the official SDK
 * uses (non-streaming), with latency, RPM / TPM limits, injected faults, real token counts and
 * OpenAI's prompt-caching rule, and logs every request as one NDJSON line.
 *
 *   POST /v1/chat/completions   the endpoint (Authorization: Bearer <any key> required)
 *   GET  /v1/models[/{id}]      the model list
 *   GET  /sim/stats             running totals (the control plane: neither logged nor counted)
 *
 * Point the product at it with OPENAI_BASE_URL=<url> (…/v1) and any OPENAI_API_KEY.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeChat, failure, jsonReply, type ChatDeps, type Outcome } from './chat.js';
import { MISSING_KEY, modelNotFound, notFound, type ApiError } from './errors.js';
import { FaultInjector } from './faults.js';
import { keyFingerprint, RequestLog, type SimStats, type SimStatsReply } from './log.js';
import { resolveLlmSimOptions, type LlmSimOptions, type ResolvedLlmSimOptions } from './options.js';
import { PromptCache } from './prompt-cache.js';
import { RateLimiter } from './rate-limit.js';

export type { LlmSimOptions } from './options.js';
export type { SimStats } from './log.js';

export type LlmSim = {
  /** The base URL for OPENAI_BASE_URL, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  host: string;
  port: number;
  logFile: string;
  options: ResolvedLlmSimOptions;
  stats(): SimStats;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const TOO_LARGE: ApiError = { status: 413, type: 'invalid_request_error', message: 'Request body too large.', param: null, code: null };
const SIM_HEADER = 'simulator: answers are computed by the classify rule engine, not a model';
/** A fixed `created` for listed models: the simulator has no release dates. */
const MODEL_CREATED = 1_700_000_000;

export async function startLlmSim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const resolved = resolveLlmSimOptions(options);
  const log = new RequestLog(resolved.logFile);
  const deps: ChatDeps = {
    options: resolved,
    limiter: new RateLimiter({ rpm: resolved.rpm, tpm: resolved.tpm }),
    cache: new PromptCache({ ttlMs: resolved.cacheTtlMs, maxEntries: resolved.cacheMaxEntries }),
    faults: new FaultInjector(
      resolved.seed,
      { errorRate: resolved.errorRate, timeoutRate: resolved.timeoutRate, malformedRate: resolved.malformedRate, dropRate: resolved.dropRate },
      { meanMs: resolved.latencyMs, jitterMs: resolved.latencyJitterMs },
    ),
    fingerprint: `fp_${randomBytes(5).toString('hex')}`,
  };
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handle(deps, log, () => inFlight.size, req, res).catch((error: unknown) => {
      // A bug of the simulator, not an injected fault: answer 500 and say so.
      const message = `llm-sim internal error: ${error instanceof Error ? error.message : String(error)}`;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }));
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  const port = await listen(server, resolved.port, resolved.host);
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}/v1`,
    host: resolved.host,
    port,
    logFile: resolved.logFile,
    options: resolved,
    stats: () => log.stats(),
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
      server.closeAllConnections(); // Held (timeout) requests end here, logged as unanswered.
      await closed;
      await Promise.allSettled([...inFlight]);
      log.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves true after `ms`, or false as soon as the client's connection closes. */
function waitWhileConnected(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** What to answer, by method and path; the body is read only for a chat completion with a key. */
function route(
  deps: ChatDeps,
  method: string,
  path: string,
  keyId: string | null,
  body: () => Promise<string | undefined>,
): Promise<Outcome> | Outcome {
  const models = deps.options.models;
  const known = method === 'POST' && path === '/v1/chat/completions';
  const modelPath = /^\/v1\/models(?:\/(.+))?$/.exec(path);
  if (!known && !(method === 'GET' && modelPath)) return failure(notFound(method, path));
  if (keyId === null) return failure(MISSING_KEY);
  if (modelPath) {
    const model = (id: string): Record<string, unknown> => ({ id, object: 'model', created: MODEL_CREATED, owned_by: 'llm-sim' });
    const id = modelPath[1] === undefined ? undefined : decodeURIComponent(modelPath[1]);
    if (id === undefined) return jsonReply(200, { object: 'list', data: models.map(model) });
    return models.includes(id) ? jsonReply(200, model(id)) : failure(modelNotFound(id));
  }
  return body().then((raw) => {
    if (raw === undefined) {
      return failure(TOO_LARGE);
    }
    return completeChat(deps, keyId, raw, Date.now());
  });
}

/** `open`: the requests received and not yet answered or dropped (this one not among them while it reads stats). */
async function handle(deps: ChatDeps, log: RequestLog, open: () => number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const requestId = `req_${randomBytes(16).toString('hex')}`;
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://llm-sim').pathname.replace(/\/+$/, '') || '/';
  if (method === 'GET' && path === '/sim/stats') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-llm-sim': SIM_HEADER });
    const stats: SimStatsReply = { ...log.stats(), open_requests: open() };
    res.end(JSON.stringify(stats));
    return;
  }
  const key = bearerKey(req.headers.authorization);
  const keyId = key === undefined ? null : keyFingerprint(key);
  const outcome = await route(deps, method, path, keyId, () => readBody(req));
  const connected = outcome.waitMs > 0 ? await waitWhileConnected(res, outcome.waitMs) : !res.destroyed;
  const answered = connected && !outcome.hold;
  log.write({
    time: new Date().toISOString(),
    request_id: requestId,
    method,
    path,
    key: keyId,
    model: outcome.model,
    status: answered ? outcome.status : 0,
    latency_ms: Math.round(performance.now() - started),
    prompt_tokens: outcome.usage.prompt,
    cached_tokens: outcome.usage.cached,
    completion_tokens: outcome.usage.completion,
    reasoning_tokens: outcome.usage.reasoning,
    indicators: outcome.usage.indicators,
    fault: outcome.fault ?? (answered ? null : 'client-closed'),
    error: outcome.error ?? (answered ? null : 'no answer sent: the client closed the connection or it was cut'),
    ...(outcome.questions === undefined ? {} : { questions: outcome.questions }),
  });
  if (!answered) {
    res.destroy(); // A held request ends as a dropped connection, never as an answer.
    return;
  }
  res.writeHead(outcome.status, {
    'content-type': outcome.contentType,
    'x-request-id': requestId,
    'openai-version': '2020-10-01',
    'openai-organization': 'org-llm-sim',
    'openai-processing-ms': String(Math.round(performance.now() - started)),
    'x-llm-sim': SIM_HEADER,
    ...outcome.headers,
  });
  res.end(outcome.body);
}

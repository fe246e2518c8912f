/**
 * The Restate service endpoint: an HTTP/2 cleartext server that the Restate server calls to run
 * the classify workflow. Restate keeps one long-lived HTTP/2 session per endpoint, so closing must
 * destroy the open sessions too — `server.close()` alone would wait for Restate to hang up.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as restate from '@restatedev/restate-sdk';
import type { ClassificationStore } from '../db/store.js';
import { createClassifyWorkflow, type ClassifyWorkflowDeps } from './classify-workflow.js';
import { createLlmAsker } from './llm/asker.js';
import { createLlmBatcher } from './llm/batcher.js';
import { createLlmBudget } from './llm/budget.js';
import { DEFAULT_MAX_BATCH_WAIT_MS } from './llm/service.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';

export interface ServiceEndpointOptions extends Omit<ClassifyWorkflowDeps, 'store'> {
  readonly store: ClassificationStore;
  /** 0 (the default) picks a free port. */
  readonly port?: number | undefined;
  /** Defaults to 127.0.0.1: the endpoint runs code on request and has no authentication. */
  readonly host?: string | undefined;
  /** Where the SDK logs (default: the console, level from $RESTATE_LOGGING). */
  readonly logger?: restate.LoggerTransport | undefined;
}

export interface ServiceEndpoint {
  /** What to register at the admin API, e.g. http://127.0.0.1:9080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServiceEndpoint(options: ServiceEndpointOptions): Promise<ServiceEndpoint> {
  const { store, port = 0, host = '127.0.0.1', logger, ...hooks } = options;
  // createEndpointHandler is 1.14's replacement for endpoint().bind().http2Handler(); on an HTTP/2
  // request it serves Restate's bidirectional streaming protocol.
  // The LLM services are always registered, so the deployment's services do not depend on whether
  // this process has a key: without one, the asker answers every question with "no LLM".
  const batching = {
    batchSize: hooks.llm?.batchSize ?? DEFAULT_BATCH_SIZE,
    maxBatchWaitMs: hooks.llm?.maxBatchWaitMs ?? DEFAULT_MAX_BATCH_WAIT_MS,
  };
  const handler = restate.createEndpointHandler({
    services: [createClassifyWorkflow({ store, ...hooks }), createLlmBatcher(batching), createLlmAsker(hooks.llm), createLlmBudget()],
    ...(logger === undefined ? {} : { logger }),
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    port: bound,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        // Restate's sessions stay open; in-flight invocations are retried by Restate from their journal.
        for (const session of sessions) session.destroy();
      });
      return closing;
    },
  };
}

/** An IPv6 literal needs brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

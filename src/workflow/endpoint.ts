/**
 * The Restate service endpoint: an HTTP/2 cleartext server (http2-endpoint.ts) that the Restate
 * server calls to run the classify workflow and the LLM objects.
 */
import * as restate from '@restatedev/restate-sdk';
import type { ClassificationStore } from '../db/store.js';
import { createClassifyWorkflow, type ClassifyWorkflowDeps } from './classify-workflow.js';
import { createLlmAsker } from './llm/asker.js';
import { createLlmBatcher } from './llm/batcher.js';
import { createLlmBudget } from './llm/budget.js';
import { DEFAULT_MAX_BATCH_WAIT_MS } from './llm/service.js';
import { askerTimings } from './llm/lease.js';
import { DEFAULT_TIMEOUT_MS } from '../llm/config.js';
import { DEFAULT_BATCH_SIZE } from '../llm/stages/batch.js';
import { listenHttp2, type Http2Endpoint } from './http2-endpoint.js';
import { versionPath } from './build-version.js';

export interface ServiceEndpointOptions extends Omit<ClassifyWorkflowDeps, 'store'> {
  readonly store: ClassificationStore;
  /** 0 (the default) picks a free port. */
  readonly port?: number | undefined;
  /** Defaults to 127.0.0.1: the endpoint runs code on request and has no authentication. */
  readonly host?: string | undefined;
  /** The build version (build-version.ts): the endpoint serves under `/v/<version>`. */
  readonly version: string;
  /** Where the SDK logs (default: the console, level from $RESTATE_LOGGING). */
  readonly logger?: restate.LoggerTransport | undefined;
}

export type ServiceEndpoint = Http2Endpoint;

export async function startServiceEndpoint(options: ServiceEndpointOptions): Promise<ServiceEndpoint> {
  const { store, port = 0, host = '127.0.0.1', logger, version, ...hooks } = options;
  // createEndpointHandler is 1.14's replacement for endpoint().bind().http2Handler(); on an HTTP/2
  // request it serves Restate's bidirectional streaming protocol.
  // The LLM services are always registered, so the deployment's services do not depend on whether
  // this process has a key: without one, the asker answers every question with "no LLM".
  const batching = {
    batchSize: hooks.llm?.batchSize ?? DEFAULT_BATCH_SIZE,
    maxBatchWaitMs: hooks.llm?.maxBatchWaitMs ?? DEFAULT_MAX_BATCH_WAIT_MS,
    leaseMs: (hooks.llm?.timings ?? askerTimings(DEFAULT_TIMEOUT_MS)).leaseMs,
  };
  const handler = restate.createEndpointHandler({
    services: [createClassifyWorkflow({ store, ...hooks }), createLlmBatcher(batching), createLlmAsker(hooks.llm), createLlmBudget()],
    ...(logger === undefined ? {} : { logger }),
  });
  return await listenHttp2(handler, port, host, versionPath(version));
}

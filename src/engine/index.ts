/** The engine: one local restate-server managed by the CLI, and a client of its admin API. */
export { AdminError, deleteDeployment, endInvocation, health, invocationCounts, listDeployments, query, queryInvocations, registerDeployment, sqlString, unfinishedByDeployment } from './admin.js';
export type { Deployment, InvocationCounts, InvocationStatus, QueryRow, RegisteredDeployment, RegisterOptions } from './admin.js';
export { restateServerBinary } from './binary.js';
export { ENGINE_HOST, engineConfigToml, engineUrl } from './config.js';
export type { EngineConfigInput, EnginePorts } from './config.js';
export { describeOwner, engineStatus, ensureEngine, findEngine } from './find.js';
export type { EngineStatus, EnsuredEngine, EnsureEngineOptions, FoundEngine } from './find.js';
export { engineHealth, isHealthy, splitUrls, waitForHealth } from './health.js';
export type { EngineHealth } from './health.js';
export { enginePaths } from './paths.js';
export { portsFromEnv } from './ports.js';
export { adoptEngine, startEngine, stopEngine } from './process.js';
export type { Engine, StartEngineOptions, StopResult } from './process.js';
export { readEngineState } from './state.js';
export type { EngineState } from './state.js';

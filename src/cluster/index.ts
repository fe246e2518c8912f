/** The cluster: a topology (one zod schema) and the pure generators of every file it runs from. */
export { COMPOSE_FILE, composeFile, deploymentFiles, ENV_EXAMPLE_FILE, envExample, HAPROXY_FILE, IMAGES, nodeConfigFile } from './compose.js';
export type { ComposeOptions } from './compose.js';
export { HAPROXY_BACKEND, HAPROXY_FRONTEND, haproxyConfig } from './haproxy.js';
export { DEFAULT_PORT_STRIDE, isPresetName, nodePorts, planTopology, PRESETS, presetTopology } from './plan.js';
export type { PlanOptions, PresetName } from './plan.js';
export { NODE_ROLES, nodeAddress, restateNodeEnv, restateNodeToml, SNAPSHOT_CREDENTIAL_VARS } from './restate-toml.js';
export { adminUrls, ingressUrls, listeningPorts, loadBalancerUrl, objectStoreUrl, parseTopology, Topology } from './topology.js';
export type { Database, LoadBalancer, ObjectStore, RestateNode, ServiceProcess, Target, View } from './topology.js';

// Strobe's public API. Every public name is listed here; internal modules are not part of the API.
export {
  StrobeError,
  ProtocolError,
  UnsafeIntegerError,
  ConnectionError,
  TimeoutError,
  ServerError,
  AuthenticationError,
  ConfigError,
  LocalBrokerError,
  AlreadyClosedError,
  ConfigValidationError,
} from './errors.js';
export type { StrobeErrorOptions } from './errors.js';
export { compileWorkerConfig, loadWorkerConfig } from './config/worker-config.js';
export type { WorkerConfig, WorkerConfigInput, AuthConfig, TlsConfig, LogLevel } from './config/worker-config.js';
export { loadFunctions, listFunctionNames } from './config/function-registry.js';
export type { LoadedFunctions } from './config/function-registry.js';
export type { FunctionConfig, BatchingConfig } from './config/function-config.js';
export { KeyBatcher } from './pipeline/key-batcher.js';
export type { Batch, KeyGroup, KeyBatcherOptions, KeyBatcherStats } from './pipeline/key-batcher.js';
export type { FlushReason } from './pipeline/flush-reason.js';
export { StrobeMetrics, FunctionMetrics } from './metrics/strobe-metrics.js';
export { startHealthServer } from './metrics/health-server.js';
export type { HealthServer, HealthServerOptions } from './metrics/health-server.js';
export { ReadinessRegistry } from './metrics/readiness.js';
export { createLogger } from './metrics/logger.js';

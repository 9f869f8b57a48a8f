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
export { ModelLoadError, DeviceUnavailableError, ModelSignatureError, InferenceError, FeatureValidationError } from './errors.js';
export type { InferenceBackend, DeviceFallbackInfo, InferenceLogger } from './inference/backend.js';
export type { Float32Tensor, ModelSignature, TensorInfo, TensorDType } from './inference/tensor.js';
export { createBackend, prepareBackend } from './inference/create-backend.js';
export type { BackendDeps } from './inference/create-backend.js';
export { OnnxBackend } from './inference/onnx-backend.js';
export type { OnnxDeviceProbe } from './inference/onnx-backend.js';
export { TfjsBackend } from './inference/tfjs-backend.js';
export { validateModelSpec } from './inference/model-spec.js';
export type { ModelSpec, BackendName, DeviceName } from './inference/model-spec.js';
export { checkSignature } from './inference/check-signature.js';
export type { ExpectedSignature, ExpectedInput, ExpectedOutput } from './inference/check-signature.js';
export type { FieldError, Validated } from './inference/spec-reader.js';
export { rocAuc } from './inference/auc.js';
export { FeatureMapper } from './features/feature-mapper.js';
export type { MappedBatch } from './features/feature-mapper.js';
export { OutputMapper } from './features/output-mapper.js';
export type { TopKItem } from './features/output-mapper.js';
export { validateFeatureSpec } from './features/validate-feature-spec.js';
export { validateOutputSpec } from './features/validate-output-spec.js';
export { expectedSignature } from './features/expected-signature.js';
export type { FeatureSpec, InputSpec, ColumnSpec, SequenceSpec } from './features/feature-spec.js';
export type { OutputSpec, OutputFieldSpec } from './features/output-spec.js';
export { FeatureEnricher } from './features/store/feature-enricher.js';
export type { FeatureEnricherOptions, FeatureStoreClient } from './features/store/feature-enricher.js';
export { RedisFeatureStore } from './features/store/redis-feature-store.js';
export type { RedisFeatureStoreOptions } from './features/store/redis-feature-store.js';
export { createFeatureEnricher } from './features/store/create-feature-enricher.js';
export { validateFeatureSources, validateStreamFeatures } from './features/store/validate-enrichment-spec.js';
export type { EnrichmentSpec, FeatureSourceSpec, SourceFeatureSpec, StreamFeatureGroupSpec, StreamFeatureSpec, FreshnessAction, UnavailableAction } from './features/store/enrichment-spec.js';
export type { EnrichmentObserver } from './features/store/enrichment-observer.js';
export { FeatureStoreUnavailableError, StaleFeatureError, MissingFeatureError, StreamStateConflictError } from './errors.js';
export { TransactionGenerator } from './generator/transactions.js';
export type { Transaction, TransactionGeneratorOptions } from './generator/transactions.js';
export { SessionGenerator } from './generator/sessions.js';
export type { Click, SessionGeneratorOptions } from './generator/sessions.js';
export { PulsarClient } from './client/client.js';
export type { ClientOptions } from './client/client.js';
export type { Producer } from './client/producer-factory.js';
export type { ProducerOptions } from './client/producer.js';
export { Consumer } from './client/consumer.js';
export type { ConsumerOptions, BatchReceiveOptions } from './client/consumer.js';
export type { KeySharedPolicy, SubscriptionTypeName } from './client/partition-consumer.js';
export type { DeadLetterPolicy } from './client/dead-letter-router.js';
export type { RedeliveryBackoff } from './client/nack-tracker.js';
export type { Message, OutgoingMessage } from './client/message.js';
export type { MessageId } from './client/message-id.js';
export { formatMessageId } from './client/message-id.js';
export { tokenAuth, tokenFromFile } from './client/auth.js';
export type { Authentication } from './client/auth.js';
export type { TlsOptions } from './client/connection.js';
export type { ClientLogger } from './client/logger.js';
export { PulsarAdmin, AdminError } from './client/admin.js';
export type { AdminOptions, TopicStats, SubscriptionStats } from './client/admin.js';
export { parseTopicName } from './client/topic-name.js';
export { CompressionType, SchemaType } from './wire/enums.js';
export { AvroCodec, AvroDecodeError, AvroEncodeError, SchemaMismatchError } from './schema/avro-codec.js';
export { avroSchemaInfo } from './schema/pulsar-schema.js';
export { FunctionRunner, DrainTimeoutError } from './pipeline/function-runner.js';
export type { RunnerState, FunctionRunnerDeps } from './pipeline/function-runner.js';
export type { RunnerObserver } from './pipeline/runner-observer.js';
export type { BatchEnricher, EnrichResult } from './pipeline/batch-enricher.js';
export { Worker } from './pipeline/worker.js';
export { LocalPulsar } from './local-pulsar/broker.js';
export type { LocalPulsarOptions } from './local-pulsar/broker.js';

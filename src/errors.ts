/**
 * Strobe's typed error hierarchy. Callers branch on `instanceof` or `code`, never on message text.
 * `retriable` says whether the same operation may succeed if tried again (after a reconnect, a backoff).
 */
export interface StrobeErrorOptions {
  readonly cause?: unknown;
  readonly retriable?: boolean;
  /** Free-form context (topic, request id, broker) for logs; never parsed. */
  readonly context?: Readonly<Record<string, unknown>>;
}

export class StrobeError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: StrobeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** Bytes on the wire that do not form a valid frame or payload (bad size, checksum, protobuf, codec). */
export class ProtocolError extends StrobeError {
  constructor(code: string, message: string, options: StrobeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A value that cannot be represented safely (e.g. a 64-bit id beyond 2^53). */
export class UnsafeIntegerError extends ProtocolError {
  constructor(field: string, value: string) {
    super('UNSAFE_INTEGER', `${field}=${value} does not fit in a JavaScript number (> 2^53 - 1)`);
  }
}

/** Connection-level failures: refused, closed, timed out. Retriable by default. */
export class ConnectionError extends StrobeError {
  constructor(code: string, message: string, options: StrobeErrorOptions = {}) {
    super(code, message, { retriable: true, ...options });
  }
}

/** A request the broker did not answer within its time-out. */
export class TimeoutError extends StrobeError {
  constructor(message: string, options: StrobeErrorOptions = {}) {
    super('TIMEOUT', message, { retriable: true, ...options });
  }
}

/** An ERROR or *_ERROR reply from the broker, carrying the broker's ServerError name. */
export class ServerError extends StrobeError {
  readonly serverError: string;
  constructor(serverError: string, message: string, options: StrobeErrorOptions = {}) {
    super(`SERVER_${serverError}`, message, options);
    this.serverError = serverError;
  }
}

/** Authentication or authorization refused. Never retriable with the same credentials. */
export class AuthenticationError extends StrobeError {
  constructor(message: string, options: StrobeErrorOptions = {}) {
    super('AUTHENTICATION', message, { ...options, retriable: false });
  }
}

/** Configuration that cannot work; the message names the file, the field and the fix. */
export class ConfigError extends StrobeError {
  readonly file: string | undefined;
  readonly field: string | undefined;
  constructor(message: string, options: StrobeErrorOptions & { file?: string; field?: string } = {}) {
    super('CONFIG', message, { ...options, retriable: false });
    this.file = options.file;
    this.field = options.field;
  }
}

/** The local standalone broker could not be resolved, started, or became unhealthy. */
export class LocalBrokerError extends StrobeError {
  readonly logFile: string | undefined;
  constructor(code: string, message: string, options: StrobeErrorOptions & { logFile?: string } = {}) {
    super(code, message, options);
    this.logFile = options.logFile;
  }
}

/** Handle on a closed producer, consumer, connection or client. */
export class AlreadyClosedError extends StrobeError {
  constructor(what: string) {
    super('ALREADY_CLOSED', `${what} is closed`);
  }
}

/**
 * A model that cannot be loaded or used: missing file, bad format, unusable device, wrong signature.
 * Fatal: the function must not become ready nor consume anything.
 */
export class ModelLoadError extends StrobeError {
  readonly modelPath: string | undefined;
  constructor(message: string, options: StrobeErrorOptions & { code?: string; modelPath?: string } = {}) {
    super(options.code ?? 'MODEL_LOAD', message, { ...options, retriable: false });
    this.modelPath = options.modelPath;
  }
}

/** The configured device (cuda, tensorrt, a GPU tfjs backend) is not usable and `deviceFallback` is `fail`. */
export class DeviceUnavailableError extends ModelLoadError {
  readonly device: string;
  constructor(device: string, message: string, options: StrobeErrorOptions & { modelPath?: string } = {}) {
    super(message, { ...options, code: 'DEVICE_UNAVAILABLE' });
    this.device = device;
  }
}

/** The model's inputs or outputs do not match the function's feature or output mapping. Found at startup. */
export class ModelSignatureError extends ModelLoadError {
  /** One line per mismatch, each naming the tensor, the expected and the actual shape. */
  readonly mismatches: readonly string[];
  constructor(mismatches: readonly string[], options: StrobeErrorOptions & { modelPath?: string } = {}) {
    super(`model signature does not match the feature mapping:\n  - ${mismatches.join('\n  - ')}`, {
      ...options,
      code: 'MODEL_SIGNATURE_MISMATCH',
    });
    this.mismatches = mismatches;
  }
}

/** A model call that failed at run time. Retriable: the batch is negatively acknowledged and retried. */
export class InferenceError extends StrobeError {
  constructor(message: string, options: StrobeErrorOptions = {}) {
    super('INFERENCE', message, { retriable: true, ...options });
  }
}

/**
 * One record whose fields cannot become model features (NaN, infinity, wrong type, missing without a
 * default). Permanent: the record is dead-lettered and the rest of its batch is scored.
 */
export class FeatureValidationError extends StrobeError {
  /** The record field at fault, as written in the feature mapping (e.g. `amount`). */
  readonly field: string;
  constructor(field: string, message: string, options: StrobeErrorOptions = {}) {
    super('FEATURE_VALIDATION', message, { ...options, retriable: false });
    this.field = field;
  }
}

/**
 * Several config problems found in one validation run. Each issue is a ConfigError naming its file and
 * field; the message lists them all, one per line, so a user fixes everything in one pass.
 */
export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigError[];
  constructor(issues: readonly ConfigError[]) {
    const first = issues[0];
    super(
      issues.length === 1 && first !== undefined
        ? first.message
        : `${issues.length} configuration problems:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`,
      { ...(first?.file === undefined ? {} : { file: first.file }), ...(first?.field === undefined ? {} : { field: first.field }) },
    );
    this.issues = issues;
  }
}

/** The online feature store (Redis) did not answer: connection refused or lost, or a time-out. Retriable. */
export class FeatureStoreUnavailableError extends StrobeError {
  constructor(message: string, options: StrobeErrorOptions = {}) {
    super('FEATURE_STORE_UNAVAILABLE', message, { retriable: true, ...options });
  }
}

/**
 * A looked-up feature older than its `maxAgeMs` whose policy is `retry` (retriable: nack, try later) or
 * `deadLetter` (permanent).
 */
export class StaleFeatureError extends StrobeError {
  /** The record field the feature fills (its `as` name). */
  readonly feature: string;
  readonly ageMs: number;
  constructor(feature: string, ageMs: number, maxAgeMs: number, retriable: boolean, options: StrobeErrorOptions = {}) {
    super('FEATURE_STALE', `feature ${feature} is ${Math.round(ageMs)} ms old, older than maxAgeMs ${maxAgeMs}`, { ...options, retriable });
    this.feature = feature;
    this.ageMs = ageMs;
  }
}

/** A looked-up feature absent from the store whose policy is `retry` (retriable) or `deadLetter` (permanent). */
export class MissingFeatureError extends StrobeError {
  readonly feature: string;
  constructor(feature: string, entity: string, retriable: boolean, options: StrobeErrorOptions = {}) {
    super('FEATURE_MISSING', `feature ${feature} is missing for ${entity}`, { ...options, retriable });
    this.feature = feature;
  }
}

/** In-stream feature state of a key was changed by another writer meanwhile (the key moved). Retriable. */
export class StreamStateConflictError extends StrobeError {
  constructor(key: string, options: StrobeErrorOptions = {}) {
    super('STREAM_STATE_CONFLICT', `in-stream feature state of ${key} changed concurrently; retrying from the stored state`, { retriable: true, ...options });
  }
}

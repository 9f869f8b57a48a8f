/**
 * Worker configuration: where the broker is, how to authenticate, where metrics listen, where functions
 * live. Sources, lowest to highest precedence: defaults, a YAML or JSON file, `STROBE_*` environment
 * variables, command-line overrides. `loadWorkerConfig` merges them; `compileWorkerConfig` validates once
 * and returns an immutable, typed WorkerConfig that is passed down (Temporal's compile-options style).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ConfigValidationError } from '../errors.js';
import {
  applyConvict,
  checkAgainstSchema,
  forEachField,
  issueToError,
  type ConfigIssue,
  type FieldSpec,
  type RawObject,
  type SchemaGroup,
} from './config-schema.js';
import { boolean, integer, nonEmptyString, oneOf, url, type Check } from './field-checks.js';
import { deepFreeze, getPath, mergeDeep, setPath } from './raw-object.js';


export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type AuthConfig =
  | { readonly method: 'none' }
  | { readonly method: 'token'; readonly token: string }
  | { readonly method: 'token'; readonly tokenFile: string };

export interface TlsConfig {
  /** CA bundle (PEM) that signs the broker's certificate; the system CAs when absent. */
  readonly trustCertsFile?: string;
  /** @default false */
  readonly allowInsecureConnection: boolean;
  /** @default true */
  readonly hostnameVerification: boolean;
  /** Client certificate (PEM) for mutual TLS; set together with keyFile. */
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface WorkerConfig {
  /** @default "pulsar://127.0.0.1:6650" */
  readonly serviceUrl: string;
  /** @default "http://127.0.0.1:8080" */
  readonly adminUrl: string;
  /** @default { method: "none" } */
  readonly auth: AuthConfig;
  readonly tls: TlsConfig;
  readonly metrics: {
    /** @default "0.0.0.0" */
    readonly host: string;
    /** @default 9464 */
    readonly port: number;
  };
  /** @default "info" */
  readonly logLevel: LogLevel;
  /** Absolute. @default "<cwd>/functions" */
  readonly functionsDir: string;
  /** Absolute. @default "<cwd>/schemas" */
  readonly schemasDir: string;
  /** @default 25000 */
  readonly drainTimeoutMs: number;
  /** Redis of the functions' featureSources and streamFeatures. */
  readonly featureStore: {
    /** @default "redis://127.0.0.1:6379" */
    readonly url: string;
    /** @default 1000 */
    readonly commandTimeoutMs: number;
  };
}

/** Raw worker config as written in a file or passed from flags: every field optional. */
export interface WorkerConfigInput {
  serviceUrl?: string;
  adminUrl?: string;
  auth?: { token?: string | null; tokenFile?: string | null };
  tls?: {
    trustCertsFile?: string | null;
    allowInsecureConnection?: boolean;
    hostnameVerification?: boolean;
    certFile?: string | null;
    keyFile?: string | null;
  };
  metrics?: { host?: string; port?: number };
  logLevel?: LogLevel;
  functionsDir?: string;
  schemasDir?: string;
  drainTimeoutMs?: number;
  featureStore?: { url?: string; commandTimeoutMs?: number };
}

const toInt = (s: string): unknown => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s);
const toBool = (s: string): unknown => {
  const t = s.trim().toLowerCase();
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : s;
};

function str(doc: string, dflt: string | null, format: Check, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { doc, default: dflt, format, type: 'string', ...extra };
}

const optionalPath = (doc: string, env: string, example: string): FieldSpec => ({
  doc,
  default: null,
  nullable: true,
  format: nonEmptyString(example),
  type: 'path',
  isPath: true,
  env,
});

/** The worker config schema (convict). Also the source of docs/config-reference.md. */
export const workerConfigSchema = {
  serviceUrl: str(
    'Pulsar binary protocol URL of the broker (pulsar:// or pulsar+ssl:// for TLS).',
    'pulsar://127.0.0.1:6650',
    url(['pulsar', 'pulsar+ssl'], 'pulsar://broker.example:6650'),
    { env: 'STROBE_SERVICE_URL' },
  ),
  adminUrl: str(
    'Pulsar admin REST URL, used for schema registration and subscription backlog.',
    'http://127.0.0.1:8080',
    url(['http', 'https'], 'http://broker.example:8080'),
    { env: 'STROBE_ADMIN_URL' },
  ),
  auth: {
    token: str('JWT for token authentication. Set at most one of token and tokenFile.', null, nonEmptyString('eyJhbGciOi...'), {
      nullable: true,
      sensitive: true,
      env: 'STROBE_AUTH_TOKEN',
    }),
    tokenFile: optionalPath(
      'File holding the JWT, read at each connect so rotated tokens are picked up.',
      'STROBE_AUTH_TOKEN_FILE',
      '/var/run/secrets/pulsar/token',
    ),
  },
  tls: {
    trustCertsFile: optionalPath(
      'CA certificates (PEM) trusted for the broker; the system CAs when unset.',
      'STROBE_TLS_TRUST_CERTS_FILE',
      '/etc/pulsar/ca.pem',
    ),
    allowInsecureConnection: {
      doc: 'Accept a broker certificate that is not trusted (testing only).',
      default: false,
      format: boolean(),
      type: 'boolean',
      env: 'STROBE_TLS_ALLOW_INSECURE_CONNECTION',
      fromString: toBool,
    },
    hostnameVerification: {
      doc: 'Check that the broker certificate names the host connected to.',
      default: true,
      format: boolean(),
      type: 'boolean',
      env: 'STROBE_TLS_HOSTNAME_VERIFICATION',
      fromString: toBool,
    },
    certFile: optionalPath('Client certificate (PEM) for mutual TLS; set with keyFile.', 'STROBE_TLS_CERT_FILE', '/etc/pulsar/client.pem'),
    keyFile: optionalPath('Client private key (PEM) for mutual TLS; set with certFile.', 'STROBE_TLS_KEY_FILE', '/etc/pulsar/client-key.pem'),
  },
  metrics: {
    host: str('Interface the /metrics, /healthz and /readyz server listens on.', '0.0.0.0', nonEmptyString('0.0.0.0'), {
      env: 'STROBE_METRICS_HOST',
    }),
    port: {
      doc: 'Port of the /metrics, /healthz and /readyz server (0 picks a free port).',
      default: 9464,
      format: integer({ min: 0, max: 65535, example: 9464 }),
      type: 'integer',
      env: 'STROBE_METRICS_PORT',
      fromString: toInt,
    },
  },
  logLevel: str('Level of the JSON (pino) logs.', 'info', oneOf(LOG_LEVELS), { env: 'STROBE_LOG_LEVEL' }),
  functionsDir: str('Directory holding one <name>/function.yaml per function.', 'functions', nonEmptyString('functions'), {
    env: 'STROBE_FUNCTIONS_DIR',
    type: 'path',
    isPath: true,
  }),
  schemasDir: str('Directory of shared Avro schemas (*.avsc) that function.yaml files refer to.', 'schemas', nonEmptyString('schemas'), {
    env: 'STROBE_SCHEMAS_DIR',
    type: 'path',
    isPath: true,
  }),
  drainTimeoutMs: {
    doc: 'On SIGTERM, time to finish in-flight batches, publish and ack before exiting non-zero. Below Kubernetes\' default 30 s grace period so the worker exits before SIGKILL.',
    default: 25000,
    format: integer({ min: 0, unit: 'milliseconds', example: 25000 }),
    type: 'integer (ms)',
    env: 'STROBE_DRAIN_TIMEOUT_MS',
    fromString: toInt,
  },
  featureStore: {
    url: str('Redis of the online feature store and of in-stream feature state (functions with featureSources or streamFeatures).', 'redis://127.0.0.1:6379', url(['redis', 'rediss'], 'redis://redis.example:6379'), {
      env: 'STROBE_REDIS_URL',
      sensitive: true,
    }),
    commandTimeoutMs: {
      doc: 'A feature store call without a reply after this long counts as the store being unavailable.',
      default: 1000,
      format: integer({ min: 1, max: 600_000, unit: 'milliseconds', example: 1000 }),
      type: 'integer (ms)',
      env: 'STROBE_REDIS_COMMAND_TIMEOUT_MS',
      fromString: toInt,
    },
  },
} satisfies SchemaGroup;

/** The raw shape convict returns after defaults. */
interface WorkerConfigProps {
  serviceUrl: string;
  adminUrl: string;
  auth: { token: string | null; tokenFile: string | null };
  tls: {
    trustCertsFile: string | null;
    allowInsecureConnection: boolean;
    hostnameVerification: boolean;
    certFile: string | null;
    keyFile: string | null;
  };
  metrics: { host: string; port: number };
  logLevel: LogLevel;
  functionsDir: string;
  schemasDir: string;
  drainTimeoutMs: number;
  featureStore: { url: string; commandTimeoutMs: number };
}

export interface CompileWorkerConfigOptions {
  /** Base for relative paths. @default process.cwd() */
  readonly cwd?: string;
  /** Name of the input in error messages. @default "worker config" */
  readonly source?: string;
}

/**
 * Validates raw worker config once and returns an immutable typed WorkerConfig.
 * @throws ConfigValidationError listing every problem, each naming the field and the fix.
 */
export function compileWorkerConfig(raw: WorkerConfigInput = {}, options: CompileWorkerConfigOptions = {}): WorkerConfig {
  const source = options.source ?? 'worker config';
  const cwd = options.cwd ?? process.cwd();
  const checked = checkAgainstSchema(workerConfigSchema, raw);
  if (checked.issues.length > 0) throw new ConfigValidationError(checked.issues.map((i) => issueToError(source, i)));
  const p = applyConvict<WorkerConfigProps>(workerConfigSchema, checked.value);
  const issues: ConfigIssue[] = [];
  const abs = (path: string): string => (isAbsolute(path) ? path : resolve(cwd, path));
  const file = (field: string, path: string | null): string | undefined => {
    if (path === null) return undefined;
    const full = abs(path);
    if (!existsSync(full)) issues.push({ field, message: `file ${full} does not exist`, fix: 'check the path, or remove the field' });
    return full;
  };

  let auth: AuthConfig = { method: 'none' };
  if (p.auth.token !== null && p.auth.tokenFile !== null) {
    issues.push({ field: 'auth', message: 'both token and tokenFile are set', fix: 'keep one of them' });
  } else if (p.auth.token !== null) {
    auth = { method: 'token', token: p.auth.token };
  } else {
    const tokenFile = file('auth.tokenFile', p.auth.tokenFile);
    if (tokenFile !== undefined) auth = { method: 'token', tokenFile };
  }

  const certFile = file('tls.certFile', p.tls.certFile);
  const keyFile = file('tls.keyFile', p.tls.keyFile);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    issues.push({
      field: certFile === undefined ? 'tls.certFile' : 'tls.keyFile',
      message: 'mutual TLS needs both a client certificate and its key',
      fix: 'set both tls.certFile and tls.keyFile, or neither',
    });
  }
  const trustCertsFile = file('tls.trustCertsFile', p.tls.trustCertsFile);
  if (issues.length > 0) throw new ConfigValidationError(issues.map((i) => issueToError(source, i)));

  const tls: TlsConfig = {
    allowInsecureConnection: p.tls.allowInsecureConnection,
    hostnameVerification: p.tls.hostnameVerification,
    ...(trustCertsFile === undefined ? {} : { trustCertsFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
  };
  return deepFreeze({
    serviceUrl: p.serviceUrl,
    adminUrl: p.adminUrl.replace(/\/+$/, ''),
    auth,
    tls,
    metrics: { host: p.metrics.host, port: p.metrics.port },
    logLevel: p.logLevel,
    functionsDir: abs(p.functionsDir),
    schemasDir: abs(p.schemasDir),
    drainTimeoutMs: p.drainTimeoutMs,
    featureStore: { url: p.featureStore.url, commandTimeoutMs: p.featureStore.commandTimeoutMs },
  });
}

export interface LoadWorkerConfigOptions {
  /** YAML or JSON file. @default env.STROBE_CONFIG, else none */
  readonly configFile?: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line flags, already parsed into the config's shape; they win over everything. */
  readonly overrides?: WorkerConfigInput;
  /** @default process.cwd() */
  readonly cwd?: string;
}

/**
 * Merges defaults < file < STROBE_* environment < overrides and compiles the result.
 * Each source is checked on its own first, so errors name where the bad value came from.
 * @throws ConfigValidationError
 */
export function loadWorkerConfig(options: LoadWorkerConfigOptions = {}): WorkerConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const errors: ConfigError[] = [];
  const layers: RawObject[] = [];

  const configFile = options.configFile ?? env.STROBE_CONFIG;
  if (configFile !== undefined && configFile !== '') {
    const path = isAbsolute(configFile) ? configFile : resolve(cwd, configFile);
    const parsed = readConfigFile(path, configFile);
    const checked = checkAgainstSchema(workerConfigSchema, parsed, { skipRequired: true });
    errors.push(...checked.issues.map((i) => issueToError(configFile, i)));
    layers.push(resolvePaths(checked.value, dirname(path)));
  }

  const fromEnv = readEnv(env);
  const envChecked = checkAgainstSchema(workerConfigSchema, fromEnv.value, { skipRequired: true });
  errors.push(
    ...envChecked.issues.map((i) => {
      const name = fromEnv.names.get(i.field);
      return issueToError(name === undefined ? 'environment' : `environment ${name}`, i);
    }),
  );
  layers.push(envChecked.value);

  if (options.overrides !== undefined) {
    const checked = checkAgainstSchema(workerConfigSchema, options.overrides, { skipRequired: true });
    errors.push(...checked.issues.map((i) => issueToError('command line', i)));
    layers.push(checked.value);
  }
  if (errors.length > 0) throw new ConfigValidationError(errors);

  const merged = layers.reduce<RawObject>((acc, layer) => mergeDeep(acc, layer), {});
  return compileWorkerConfig(merged, { cwd, source: configFile ?? 'worker config' });
}

function readConfigFile(path: string, shown: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${shown}: cannot read the worker config file (${(e as Error).message}) — check the path given with --config or STROBE_CONFIG`, {
      file: shown,
      cause: e,
    });
  }
  try {
    // JSON is valid YAML 1.2, but JSON.parse gives the better message for a .json file.
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${shown}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`, {
      file: shown,
      cause: e,
    });
  }
}

/** Collects STROBE_* variables named in the schema; `names` maps field paths back to variable names. */
function readEnv(env: Readonly<Record<string, string | undefined>>): { value: RawObject; names: Map<string, string> } {
  const value: RawObject = {};
  const names = new Map<string, string>();
  forEachField(workerConfigSchema, (path, spec) => {
    if (spec.env === undefined) return;
    const text = env[spec.env];
    if (text === undefined || text === '') return;
    setPath(value, path, spec.fromString === undefined ? text : spec.fromString(text));
    names.set(path, spec.env);
  });
  return { value, names };
}

/** Relative paths in a config file mean relative to that file. */
function resolvePaths(value: RawObject, base: string): RawObject {
  const out = structuredClone(value);
  forEachField(workerConfigSchema, (path, spec) => {
    if (spec.isPath !== true) return;
    const v = getPath(out, path);
    if (typeof v === 'string' && !isAbsolute(v)) setPath(out, path, resolve(base, v));
  });
  return out;
}

/**
 * The function's ConfigMaps (files and environment), its Deployment, and the Job that creates missing
 * subscriptions. Plain objects in the shape of the Kubernetes API (apps/v1, batch/v1, v1).
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { FunctionConfig } from '../config/function-config.js';
import type { FunctionBundle } from './function-bundle.js';
import { cpuQuantity, memoryQuantity } from './k8s-quantity.js';
import {
  HEALTH_PATHS,
  IMAGE_USER_ID,
  POD_FUNCTIONS_DIR,
  POD_MODEL_DIR,
  POD_SCHEMAS_DIR,
  POD_TOKEN_DIR,
  type K8sOptions,
} from './k8s-options.js';

export type K8sObject = { readonly apiVersion: string; readonly kind: string; readonly metadata: ObjectMeta } & Readonly<Record<string, unknown>>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Names and labels of one function's objects. */
export interface K8sNames {
  /** The function's own name: its directory in the pod must be named exactly so. */
  readonly functionName: string;
  readonly base: string;
  readonly functionConfigMap: string;
  readonly envConfigMap: string;
  readonly job: string;
  readonly triggerAuthentication: string;
  /** Labels of every object; the Deployment selects on `selector`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
}

const CONTAINER = 'strobe';
// ConfigMap keys allow [-._a-zA-Z0-9]; items map each key back to its relative path.
const KEY_CHARS = /^[-._a-zA-Z0-9/]+$/;

interface ConfigMapItem {
  readonly key: string;
  readonly path: string;
}

export interface FunctionConfigMap {
  readonly object: K8sObject;
  readonly functionItems: readonly ConfigMapItem[];
  readonly schemaItems: readonly ConfigMapItem[];
}

/** One ConfigMap with the function's files (text in data, binary in binaryData) and the items that place them. */
export function functionConfigMap(names: K8sNames, options: K8sOptions, bundle: FunctionBundle): FunctionConfigMap {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const put = (prefix: string, path: string, content: Buffer): ConfigMapItem => {
    if (!KEY_CHARS.test(path)) throw new ConfigError(`${path}: ConfigMap keys may only hold letters, digits and - . _ — rename the file`, { file: path });
    const key = prefix + path.replace(/\//g, '__');
    if (key in data || key in binaryData) throw new ConfigError(`two files map to the ConfigMap key ${key} — rename one of them`, { file: path });
    const text = asText(content);
    if (text === undefined) binaryData[key] = content.toString('base64');
    else data[key] = text;
    return { key, path };
  };
  const functionItems = bundle.functionFiles.map((f) => put('', f.path, f.content));
  const schemaItems = bundle.schemaFiles.map((f) => put('schemas.', f.path, f.content));
  const object: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(names.functionConfigMap, options, names.labels),
    data,
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
  return { object, functionItems, schemaItems };
}

/** Worker settings as STROBE_* variables (src/config/worker-config.ts), for envFrom. */
export function envConfigMap(names: K8sNames, options: K8sOptions): K8sObject {
  const data: Record<string, string> = {
    STROBE_SERVICE_URL: options.serviceUrl,
    STROBE_ADMIN_URL: options.adminUrl,
    STROBE_FUNCTIONS_DIR: POD_FUNCTIONS_DIR,
    STROBE_SCHEMAS_DIR: POD_SCHEMAS_DIR,
    STROBE_METRICS_HOST: '0.0.0.0',
    STROBE_METRICS_PORT: String(options.metricsPort),
    STROBE_LOG_LEVEL: options.logLevel,
    STROBE_DRAIN_TIMEOUT_MS: String(options.drainTimeoutMs),
  };
  if (options.tokenSecret !== undefined) data.STROBE_AUTH_TOKEN_FILE = `${POD_TOKEN_DIR}/token`;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(names.envConfigMap, options, names.labels), data };
}

/** Short hash of the ConfigMaps, put on the pod template so a config change rolls the pods. */
export function configHash(...objects: readonly K8sObject[]): string {
  const h = createHash('sha256');
  for (const o of objects) h.update(JSON.stringify([o.data, o.binaryData]));
  return h.digest('hex').slice(0, 16);
}

export function deployment(fn: FunctionConfig, names: K8sNames, options: K8sOptions, cm: FunctionConfigMap, hash: string): K8sObject {
  const gpu = fn.resources.gpu;
  const limits: Record<string, string> = { memory: memoryQuantity(fn.resources.ram) };
  // Extended resources such as GPUs are set in limits only; Kubernetes copies them to requests.
  if (gpu > 0) limits['nvidia.com/gpu'] = String(gpu);
  const container = {
    ...baseContainer(options, names, cm, ['run', fn.name]),
    ports: [{ name: 'metrics', containerPort: options.metricsPort, protocol: 'TCP' }],
    resources: { requests: { cpu: cpuQuantity(fn.resources.cpu), memory: memoryQuantity(fn.resources.ram) }, limits },
    livenessProbe: { httpGet: { path: HEALTH_PATHS.liveness, port: 'metrics' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    // Not ready until the model is loaded and warmed up and the subscription is open.
    readinessProbe: { httpGet: { path: HEALTH_PATHS.readiness, port: 'metrics' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(names.base, options, names.labels),
    spec: {
      // No replicas field: KEDA owns the count, and an applied value would fight it. A new Deployment starts with 1.
      revisionHistoryLimit: 3,
      selector: { matchLabels: names.selector },
      // A GPU pod cannot surge when every GPU is taken: replace in place instead.
      strategy: { type: 'RollingUpdate', rollingUpdate: gpu > 0 ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: names.labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(options.metricsPort),
            'prometheus.io/path': HEALTH_PATHS.metrics,
            'strobe.dev/config-hash': hash,
          },
        },
        spec: {
          ...podSpec(options, names, cm, container),
          ...(gpu > 0 ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
        },
      },
    },
  };
}

/** Runs `strobe lag <fn> --ensure-subscriptions` once, so KEDA finds the subscription before any worker ran. */
export function subscriptionJob(fn: FunctionConfig, names: K8sNames, options: K8sOptions, cm: FunctionConfigMap, hash: string): K8sObject {
  const labels = { ...names.labels, 'app.kubernetes.io/component': 'subscription-setup' };
  const container = {
    ...baseContainer(options, names, cm, ['lag', fn.name, '--ensure-subscriptions']),
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...meta(names.job, options, labels), annotations: { 'strobe.dev/config-hash': hash } },
    spec: {
      backoffLimit: 6,
      // Gone after 10 minutes, so a later `kubectl apply` recreates it (a Job's pod template is immutable).
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: { ...podSpec(options, names, cm, container), restartPolicy: 'OnFailure' },
      },
    },
  };
}

function baseContainer(options: K8sOptions, names: K8sNames, cm: FunctionConfigMap, args: readonly string[]): Record<string, unknown> {
  return {
    name: CONTAINER,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    args,
    envFrom: [{ configMapRef: { name: names.envConfigMap } }],
    volumeMounts: volumeMounts(options, names, cm),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

function podSpec(options: K8sOptions, names: K8sNames, cm: FunctionConfigMap, container: Record<string, unknown>): Record<string, unknown> {
  return {
    // The worker drains within drainTimeoutMs after SIGTERM; leave it a margin before SIGKILL.
    terminationGracePeriodSeconds: Math.ceil(options.drainTimeoutMs / 1000) + 5,
    securityContext: { runAsNonRoot: true, runAsUser: IMAGE_USER_ID, runAsGroup: IMAGE_USER_ID, fsGroup: IMAGE_USER_ID, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container],
    volumes: volumes(options, names, cm),
  };
}

function volumeMounts(options: K8sOptions, names: K8sNames, cm: FunctionConfigMap): Record<string, unknown>[] {
  const mounts: Record<string, unknown>[] = [{ name: 'function', mountPath: `${POD_FUNCTIONS_DIR}/${names.functionName}`, readOnly: true }];
  if (cm.schemaItems.length > 0) mounts.push({ name: 'schemas', mountPath: POD_SCHEMAS_DIR, readOnly: true });
  if (options.model.kind === 'volume') mounts.push({ name: 'model', mountPath: POD_MODEL_DIR, subPath: names.functionName, readOnly: true });
  if (options.tokenSecret !== undefined) mounts.push({ name: 'pulsar-token', mountPath: POD_TOKEN_DIR, readOnly: true });
  return mounts;
}

function volumes(options: K8sOptions, names: K8sNames, cm: FunctionConfigMap): Record<string, unknown>[] {
  const vols: Record<string, unknown>[] = [{ name: 'function', configMap: { name: names.functionConfigMap, items: cm.functionItems } }];
  if (cm.schemaItems.length > 0) vols.push({ name: 'schemas', configMap: { name: names.functionConfigMap, items: cm.schemaItems } });
  if (options.model.kind === 'volume') vols.push({ name: 'model', persistentVolumeClaim: { claimName: options.model.claimName, readOnly: true } });
  if (options.tokenSecret !== undefined) {
    vols.push({ name: 'pulsar-token', secret: { secretName: options.tokenSecret.name, items: [{ key: options.tokenSecret.key, path: 'token' }] } });
  }
  return vols;
}

export function meta(name: string, options: K8sOptions, labels: Readonly<Record<string, string>>): ObjectMeta {
  return { name, namespace: options.namespace, labels };
}

function asText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

/**
 * `strobe deploy k8s`: a function's Kubernetes manifests — ConfigMaps (files, environment), Deployment
 * (GPU limits, probes), KEDA ScaledObject (pulsar trigger per input), optional TriggerAuthentication and
 * subscription Job — plus warnings about choices that will not work as the user may expect.
 */
import { stringify } from 'yaml';
import { ConfigError } from '../errors.js';
import type { FunctionConfig } from '../config/function-config.js';
import { collectFunctionBundle, type FunctionBundle, type ModelSource } from './function-bundle.js';
import { scaledObject, triggerAuthentication } from './keda-scaled-object.js';
import { IMAGE_FUNCTIONS_DIR, POD_MODEL_DIR, type K8sOptions, type TopicPartitioning } from './k8s-options.js';
import { k8sName } from './k8s-quantity.js';
import {
  configHash,
  deployment,
  envConfigMap,
  functionConfigMap,
  subscriptionJob,
  type K8sNames,
  type K8sObject,
} from './k8s-workload.js';

/** Kubernetes' limit on a ConfigMap (the whole object as stored). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export interface K8sManifests {
  readonly functionName: string;
  /** In apply order. */
  readonly objects: readonly K8sObject[];
  readonly bundle: FunctionBundle;
  readonly warnings: readonly string[];
}

export function k8sNames(fn: FunctionConfig): K8sNames {
  // Room for the longest suffix ("-subscriptions") within a 63-character label value (Job names become pod labels).
  const base = k8sName(`strobe-${fn.name}`, 49);
  const selector = { 'app.kubernetes.io/name': 'strobe', 'app.kubernetes.io/instance': k8sName(fn.name), 'app.kubernetes.io/component': 'function' };
  return {
    functionName: fn.name,
    base,
    functionConfigMap: `${base}-function`,
    envConfigMap: `${base}-env`,
    job: `${base}-subscriptions`,
    triggerAuthentication: `${base}-pulsar`,
    selector,
    labels: { ...selector, 'app.kubernetes.io/managed-by': 'strobe' },
  };
}

/**
 * Builds the manifests for one function.
 * @param schemasDir the worker's shared schemas directory (where the function's .avsc files were found)
 * @throws ConfigError when the options cannot work (e.g. an Exclusive subscription with several replicas)
 */
export function buildK8sManifests(fn: FunctionConfig, schemasDir: string, options: K8sOptions, partitioning: TopicPartitioning): K8sManifests {
  checkOptions(fn, options);
  const warnings = warn(fn, options, partitioning);
  const source: ModelSource =
    options.model.kind === 'configmap'
      ? { kind: 'configmap' }
      : options.model.kind === 'image'
        ? { kind: 'image', functionsDir: IMAGE_FUNCTIONS_DIR }
        : { kind: 'volume', mountPath: POD_MODEL_DIR };
  const bundle = collectFunctionBundle(fn, schemasDir, source);
  const names = k8sNames(fn);
  const cm = functionConfigMap(names, options, bundle);
  const size = Buffer.byteLength(JSON.stringify(cm.object));
  if (size > CONFIGMAP_MAX_BYTES) {
    const largest = [...bundle.functionFiles, ...bundle.schemaFiles]
      .sort((a, b) => b.content.length - a.content.length)
      .slice(0, 3)
      .map((f) => `${f.path} ${f.content.length} bytes`);
    throw new ConfigError(
      `${fn.name}: its files make a ${size}-byte ConfigMap, above Kubernetes' ${CONFIGMAP_MAX_BYTES}-byte limit (largest: ${largest.join(', ')}) — ` +
        `bring the model with --model-from image (baked into the image) or --model-from volume --model-volume <claim>, and keep other large files out of the function directory`,
      { field: 'model.path' },
    );
  }
  const env = envConfigMap(names, options);
  const hash = configHash(cm.object, env);
  const auth = triggerAuthentication(names, options);
  const objects: K8sObject[] = [cm.object, env, deployment(fn, names, options, cm, hash)];
  if (options.subscriptionJob) objects.push(subscriptionJob(fn, names, options, cm, hash));
  if (auth !== undefined) objects.push(auth);
  objects.push(scaledObject(fn, names, options, partitioning));
  return { functionName: fn.name, objects, bundle, warnings };
}

function checkOptions(fn: FunctionConfig, o: K8sOptions): void {
  const problems: string[] = [];
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be a whole number >= ${min}, got ${v}`);
  };
  int('--min-replicas', o.minReplicas, 0);
  int('--max-replicas', o.maxReplicas, 1);
  int('--backlog-threshold', o.backlogThreshold, 1);
  int('--activation-threshold', o.activationThreshold, 0);
  int('--polling-interval', o.pollingInterval, 1);
  int('--cooldown-period', o.cooldownPeriod, 0);
  if (o.minReplicas > o.maxReplicas) problems.push(`--min-replicas (${o.minReplicas}) exceeds --max-replicas (${o.maxReplicas})`);
  if (fn.subscriptionType === 'Exclusive' && o.maxReplicas > 1) {
    problems.push(`${fn.name} uses an Exclusive subscription, so a second replica could not subscribe — use --max-replicas 1, or subscriptionType Key_Shared`);
  }
  for (const topic of fn.inputs) {
    // KEDA's scaler builds /admin/v2/persistent/... URLs only.
    if (!topic.startsWith('persistent://')) problems.push(`input ${topic} is not persistent: KEDA's pulsar scaler reads persistent topics only`);
  }
  if (problems.length > 0) throw new ConfigError(`cannot generate manifests for ${fn.name}: ${problems.join('; ')}`);
}

function warn(fn: FunctionConfig, o: K8sOptions, partitioning: TopicPartitioning): string[] {
  const out: string[] = [];
  const device = fn.model.device;
  if (device !== 'cpu' && fn.resources.gpu === 0) {
    out.push(`model.device is ${device} but resources.gpu is 0: the pod gets no GPU, so the model ${fn.model.deviceFallback === 'cpu' ? 'falls back to the CPU' : 'fails to load (deviceFallback: fail)'} — set resources.gpu`);
  }
  if (device === 'cpu' && fn.resources.gpu > 0) out.push(`resources.gpu is ${fn.resources.gpu} but model.device is cpu: the GPU would sit idle — set model.device: cuda`);
  if (fn.subscriptionType === 'Failover' && o.maxReplicas > 1) {
    const partitioned = fn.inputs.some((t) => partitioning[t] === true);
    out.push(
      partitioned
        ? `Failover subscription: one active consumer per partition, so replicas beyond the partition count stand by`
        : `Failover subscription on non-partitioned input: only one replica consumes, the others stand by — consider --max-replicas 1 or Key_Shared`,
    );
  }
  for (const [name, url] of [['service URL', o.serviceUrl], ['admin URL', o.adminUrl]] as const) {
    if (isLoopbackUrl(url)) out.push(`the ${name} ${url} is a loopback address: inside a pod it names the pod itself`);
  }
  return out;
}

/** Whether a URL names this host (which, in a pod, is the pod itself). */
export function isLoopbackUrl(url: string): boolean {
  return /^[a-z+]+:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:|\/|$)/i.test(url);
}

/** One YAML document per object, in apply order. */
export function renderManifests(m: K8sManifests, header?: string): string {
  const docs = m.objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  const head = header === undefined ? '' : `${header.trimEnd().split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n`;
  return head + docs.join('---\n');
}

/** File name → YAML, one file per object, numbered in apply order (kubectl apply -f <dir> sorts by name). */
export function manifestFiles(m: K8sManifests): Record<string, string> {
  const files: Record<string, string> = {};
  m.objects.forEach((o, i) => {
    files[`${String(i + 1).padStart(2, '0')}-${o.metadata.name}-${o.kind.toLowerCase()}.yaml`] = stringify(o, { lineWidth: 0, aliasDuplicateObjects: false });
  });
  return files;
}

/**
 * KEDA objects (keda.sh/v1alpha1): a ScaledObject with one `pulsar` trigger per input topic, and the
 * TriggerAuthentication for a broker with token authentication. Trigger metadata names are KEDA's
 * pulsar scaler's; every value is a string, as KEDA's metadata map requires.
 */
import type { FunctionConfig } from '../config/function-config.js';
import type { K8sOptions, TopicPartitioning } from './k8s-options.js';
import { meta, type K8sNames, type K8sObject } from './k8s-workload.js';

export function scaledObject(fn: FunctionConfig, names: K8sNames, options: K8sOptions, partitioning: TopicPartitioning): K8sObject {
  // KEDA scales on the largest of its triggers, so the busiest input decides the replica count.
  const triggers = fn.inputs.map((topic) => ({
    type: 'pulsar',
    metadata: {
      adminURL: options.adminUrl,
      topic,
      subscription: fn.subName,
      // The scaler compares this with the string "true" and then reads /partitioned-stats.
      isPartitionedTopic: partitioning[topic] === true ? 'true' : 'false',
      msgBacklogThreshold: String(options.backlogThreshold),
      activationMsgBacklogThreshold: String(options.activationThreshold),
      ...(options.tokenSecret === undefined ? {} : { authModes: 'bearer' }),
    },
    ...(options.tokenSecret === undefined ? {} : { authenticationRef: { name: names.triggerAuthentication } }),
  }));
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: meta(names.base, options, names.labels),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.base },
      pollingInterval: options.pollingInterval,
      cooldownPeriod: options.cooldownPeriod,
      minReplicaCount: options.minReplicas,
      maxReplicaCount: options.maxReplicas,
      triggers,
    },
  };
}

/** KEDA's bearer token for the admin API, from the same Secret the worker mounts. */
export function triggerAuthentication(names: K8sNames, options: K8sOptions): K8sObject | undefined {
  if (options.tokenSecret === undefined) return undefined;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: meta(names.triggerAuthentication, options, names.labels),
    spec: { secretTargetRef: [{ parameter: 'bearerToken', name: options.tokenSecret.name, key: options.tokenSecret.key }] },
  };
}

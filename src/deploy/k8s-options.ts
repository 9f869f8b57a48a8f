/**
 * Settings of `strobe deploy k8s`, resolved (every field set), and the paths and ids the generated
 * manifests share with docker/Dockerfile (test/unit/docker checks they agree).
 */

/** The image's functions directory (Dockerfile: COPY functions/ and STROBE_FUNCTIONS_DIR). */
export const IMAGE_FUNCTIONS_DIR = '/app/functions';
/** The image's non-root user and group (Dockerfile: USER). */
export const IMAGE_USER_ID = 10001;
/** Where the pod mounts the function's ConfigMap files: `<dir>/<function name>/`. */
export const POD_FUNCTIONS_DIR = '/etc/strobe/functions';
export const POD_SCHEMAS_DIR = '/etc/strobe/schemas';
/** Where a model volume is mounted (its `<function>/` sub-directory, at this path). */
export const POD_MODEL_DIR = '/var/lib/strobe/models';
export const POD_TOKEN_DIR = '/var/run/secrets/strobe';
/** The worker's HTTP paths (src/metrics/health-server.ts). */
export const HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz', metrics: '/metrics' } as const;

export type K8sModelSource =
  /** Model files in the function's ConfigMap (small models: the ConfigMap limit is 1 MiB). */
  | { readonly kind: 'configmap' }
  /** The model baked into the image under IMAGE_FUNCTIONS_DIR/<function>/. */
  | { readonly kind: 'image' }
  /** A PersistentVolumeClaim whose `<function>/` directory holds the model files (read-only, so ReadOnlyMany or ReadWriteMany). */
  | { readonly kind: 'volume'; readonly claimName: string };

export interface K8sOptions {
  readonly image: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  readonly namespace: string;
  /** Broker and admin URLs as seen from inside the cluster (the worker and KEDA use them). */
  readonly serviceUrl: string;
  readonly adminUrl: string;
  /** 0 lets KEDA scale the function to zero when its backlog is empty. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** KEDA msgBacklogThreshold: target backlog per replica. */
  readonly backlogThreshold: number;
  /** KEDA activationMsgBacklogThreshold: scale from zero when the backlog exceeds this. */
  readonly activationThreshold: number;
  /** Seconds. */
  readonly pollingInterval: number;
  /** Seconds without backlog before scaling to zero. */
  readonly cooldownPeriod: number;
  readonly metricsPort: number;
  readonly logLevel: string;
  readonly drainTimeoutMs: number;
  readonly model: K8sModelSource;
  /** A Secret holding the broker JWT: mounted for the worker, and KEDA's bearer token. */
  readonly tokenSecret?: { readonly name: string; readonly key: string };
  /** Generate a Job that creates missing subscriptions (KEDA's pulsar scaler fails on a missing one). */
  readonly subscriptionJob: boolean;
}

/** Whether each input topic is partitioned (KEDA reads /partitioned-stats for those). */
export type TopicPartitioning = Readonly<Record<string, boolean>>;

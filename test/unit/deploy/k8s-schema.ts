// Structural checks of Kubernetes and KEDA objects, written from the API references (apps/v1 Deployment,
// batch/v1 Job, v1 ConfigMap and PodSpec) and KEDA's v2 CRD types and pulsar scaler
// (apis/keda/v1alpha1/scaledobject_types.go, pkg/scalers/pulsar_scaler.go): unknown fields, required
// fields, value formats, and references between the objects (volumes → ConfigMaps, scaleTargetRef →
// Deployment, authenticationRef → TriggerAuthentication). Returns a list of problems; empty is valid.

type Obj = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
// The quantity grammar of k8s.io/apimachinery/pkg/api/resource.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[munkMGTPE]|[eE][+-]?\d+)?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const META = ['name', 'namespace', 'labels', 'annotations', 'generateName', 'ownerReferences', 'finalizers'];
const DEPLOYMENT_SPEC = ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'];
const JOB_SPEC = ['template', 'backoffLimit', 'backoffLimitPerIndex', 'ttlSecondsAfterFinished', 'activeDeadlineSeconds', 'completions', 'parallelism', 'completionMode', 'suspend', 'podFailurePolicy', 'selector', 'manualSelector'];
const POD_SPEC = [
  'containers', 'initContainers', 'volumes', 'restartPolicy', 'terminationGracePeriodSeconds', 'securityContext', 'tolerations',
  'nodeSelector', 'affinity', 'serviceAccountName', 'imagePullSecrets', 'priorityClassName', 'runtimeClassName',
  'topologySpreadConstraints', 'activeDeadlineSeconds', 'dnsPolicy', 'hostNetwork', 'automountServiceAccountToken',
];
const CONTAINER = [
  'name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'volumeMounts',
  'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'securityContext', 'terminationMessagePath',
  'terminationMessagePolicy', 'stdin', 'tty',
];
const PROBE = ['httpGet', 'exec', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'];
const HTTP_GET = ['path', 'port', 'host', 'scheme', 'httpHeaders'];
const POD_SECURITY = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'fsGroupChangePolicy', 'seccompProfile', 'supplementalGroups', 'sysctls', 'seLinuxOptions'];
const CONTAINER_SECURITY = ['allowPrivilegeEscalation', 'capabilities', 'privileged', 'readOnlyRootFilesystem', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile', 'procMount', 'seLinuxOptions'];
const VOLUME_SOURCES = ['configMap', 'secret', 'persistentVolumeClaim', 'emptyDir', 'projected', 'hostPath', 'csi', 'downwardAPI', 'ephemeral', 'nfs'];
const VOLUME_MOUNT = ['name', 'mountPath', 'readOnly', 'subPath', 'subPathExpr', 'mountPropagation', 'recursiveReadOnly'];
const TOLERATION = ['key', 'operator', 'value', 'effect', 'tolerationSeconds'];
// KEDA v2: ScaledObjectSpec, ScaleTarget, ScaleTriggers, AuthenticationRef.
const SCALED_OBJECT_SPEC = ['scaleTargetRef', 'pollingInterval', 'initialCooldownPeriod', 'cooldownPeriod', 'idleReplicaCount', 'minReplicaCount', 'maxReplicaCount', 'advanced', 'triggers', 'fallback'];
const SCALE_TARGET = ['name', 'apiVersion', 'kind', 'envSourceContainerName'];
const TRIGGER = ['type', 'name', 'useCachedMetrics', 'metadata', 'authenticationRef', 'metricType'];
const AUTH_REF = ['name', 'kind'];
// The metadata keys KEDA's pulsar scaler reads (adminURL|adminURLFromEnv, topic|topicFromEnv and subscription|subscriptionFromEnv required).
export const KEDA_PULSAR_METADATA = [
  'adminURL', 'adminURLFromEnv', 'topic', 'topicFromEnv', 'subscription', 'subscriptionFromEnv', 'isPartitionedTopic',
  'msgBacklogThreshold', 'activationMsgBacklogThreshold', 'authModes', 'oauthTokenURI', 'scope', 'clientID', 'EndpointParams', 'tls',
];
const TRIGGER_AUTH_SPEC = ['secretTargetRef', 'env', 'configMapTargetRef', 'podIdentity', 'hashiCorpVault', 'azureKeyVault', 'awsSecretManager', 'gcpSecretManager', 'boundServiceAccountToken'];

export function validateManifests(objects: readonly unknown[]): string[] {
  const problems: string[] = [];
  const byKind = (kind: string): Obj[] => objects.filter((o): o is Obj => isObj(o) && o.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((c) => [name(c), c]));
  const deployments = new Set(byKind('Deployment').map(name));
  const triggerAuths = new Map(byKind('TriggerAuthentication').map((t) => [name(t), t]));
  for (const [i, o] of objects.entries()) {
    if (!isObj(o)) {
      problems.push(`object ${i} is not a mapping`);
      continue;
    }
    const at = `${str(o.kind)}/${name(o)}`;
    const p = (msg: string): void => void problems.push(`${at}: ${msg}`);
    checkMeta(o, p);
    switch (o.kind) {
      case 'ConfigMap':
        expectApi(o, 'v1', p);
        checkConfigMap(o, p);
        break;
      case 'Deployment': {
        expectApi(o, 'apps/v1', p);
        const spec = obj(o.spec, 'spec', p);
        keys(spec, DEPLOYMENT_SPEC, 'spec', p);
        const selector = obj(obj(spec.selector, 'spec.selector', p).matchLabels, 'spec.selector.matchLabels', p);
        const template = obj(spec.template, 'spec.template', p);
        const labels = obj(obj(template.metadata, 'spec.template.metadata', p).labels, 'spec.template.metadata.labels', p);
        for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) p(`selector ${k}=${str(v)} does not match the template labels`);
        if (isObj(spec.strategy)) {
          keys(spec.strategy, ['type', 'rollingUpdate'], 'spec.strategy', p);
          if (!['Recreate', 'RollingUpdate'].includes(str(spec.strategy.type))) p(`spec.strategy.type ${str(spec.strategy.type)}`);
          if (spec.strategy.rollingUpdate !== undefined) keys(obj(spec.strategy.rollingUpdate, 'rollingUpdate', p), ['maxSurge', 'maxUnavailable'], 'spec.strategy.rollingUpdate', p);
        }
        checkPodSpec(obj(template.spec, 'spec.template.spec', p), configMaps, 'spec.template.spec', p, false);
        break;
      }
      case 'Job': {
        expectApi(o, 'batch/v1', p);
        const spec = obj(o.spec, 'spec', p);
        keys(spec, JOB_SPEC, 'spec', p);
        const podSpec = obj(obj(spec.template, 'spec.template', p).spec, 'spec.template.spec', p);
        checkPodSpec(podSpec, configMaps, 'spec.template.spec', p, true);
        break;
      }
      case 'ScaledObject':
        expectApi(o, 'keda.sh/v1alpha1', p);
        checkScaledObject(o, deployments, triggerAuths, p);
        break;
      case 'TriggerAuthentication': {
        expectApi(o, 'keda.sh/v1alpha1', p);
        const spec = obj(o.spec, 'spec', p);
        keys(spec, TRIGGER_AUTH_SPEC, 'spec', p);
        for (const ref of arr(spec.secretTargetRef, 'spec.secretTargetRef', p)) {
          const r = obj(ref, 'secretTargetRef[]', p);
          keys(r, ['parameter', 'name', 'key'], 'secretTargetRef[]', p);
          for (const k of ['parameter', 'name', 'key']) if (typeof r[k] !== 'string' || r[k] === '') p(`secretTargetRef[].${k} is required`);
        }
        break;
      }
      default:
        p('unexpected kind');
    }
  }
  return problems;
}

function checkMeta(o: Obj, p: (m: string) => void): void {
  const meta = obj(o.metadata, 'metadata', p);
  keys(meta, META, 'metadata', p);
  const n = meta.name;
  if (typeof n !== 'string' || !DNS1123_SUBDOMAIN.test(n) || n.length > 253) p(`metadata.name ${str(n)} is not a DNS-1123 subdomain`);
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !DNS1123_LABEL.test(meta.namespace))) p('metadata.namespace is not a DNS-1123 label');
  checkLabels(meta.labels, 'metadata.labels', p);
  if (meta.annotations !== undefined) for (const v of Object.values(obj(meta.annotations, 'metadata.annotations', p))) if (typeof v !== 'string') p('annotation values must be strings');
}

function checkLabels(labels: unknown, at: string, p: (m: string) => void): void {
  if (labels === undefined) return;
  for (const [k, v] of Object.entries(obj(labels, at, p))) {
    if (!LABEL_KEY.test(k)) p(`${at}: bad label key ${k}`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) p(`${at}: bad label value ${k}=${str(v)}`);
  }
}

function checkConfigMap(o: Obj, p: (m: string) => void): void {
  keys(o, ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'], '', p);
  const data = o.data === undefined ? {} : obj(o.data, 'data', p);
  const binary = o.binaryData === undefined ? {} : obj(o.binaryData, 'binaryData', p);
  for (const [k, v] of Object.entries(data)) {
    if (!CONFIGMAP_KEY.test(k) || k.length > 253) p(`data key ${k} is not a valid ConfigMap key`);
    if (typeof v !== 'string') p(`data.${k} must be a string`);
    if (k in binary) p(`key ${k} is in both data and binaryData`);
  }
  for (const [k, v] of Object.entries(binary)) {
    if (!CONFIGMAP_KEY.test(k)) p(`binaryData key ${k} is not a valid ConfigMap key`);
    if (typeof v !== 'string' || Buffer.from(v, 'base64').toString('base64') !== v) p(`binaryData.${k} is not canonical base64`);
  }
  if (Buffer.byteLength(JSON.stringify(o)) > 1024 * 1024) p('larger than the 1 MiB ConfigMap limit');
}

function checkPodSpec(spec: Obj, configMaps: Map<string, Obj>, at: string, p: (m: string) => void, job: boolean): void {
  keys(spec, POD_SPEC, at, p);
  if (job && !['OnFailure', 'Never'].includes(str(spec.restartPolicy))) p(`${at}.restartPolicy must be OnFailure or Never in a Job`);
  if (!job && spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') p(`${at}.restartPolicy must be Always in a Deployment`);
  if (spec.securityContext !== undefined) {
    const sc = obj(spec.securityContext, `${at}.securityContext`, p);
    keys(sc, POD_SECURITY, `${at}.securityContext`, p);
    if (sc.seccompProfile !== undefined && !['RuntimeDefault', 'Unconfined', 'Localhost'].includes(str(obj(sc.seccompProfile, 'seccompProfile', p).type))) p('bad seccompProfile.type');
  }
  for (const t of spec.tolerations === undefined ? [] : arr(spec.tolerations, `${at}.tolerations`, p)) {
    const tol = obj(t, 'toleration', p);
    keys(tol, TOLERATION, `${at}.tolerations[]`, p);
    if (!['Exists', 'Equal'].includes(str(tol.operator))) p('toleration operator must be Exists or Equal');
    if (tol.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(str(tol.effect))) p('bad toleration effect');
  }
  const volumes = new Map<string, Obj>();
  for (const v of spec.volumes === undefined ? [] : arr(spec.volumes, `${at}.volumes`, p)) {
    const vol = obj(v, 'volume', p);
    const vname = str(vol.name);
    if (!DNS1123_LABEL.test(vname)) p(`volume name ${vname} is not a DNS-1123 label`);
    if (volumes.has(vname)) p(`volume ${vname} defined twice`);
    volumes.set(vname, vol);
    const sources = Object.keys(vol).filter((k) => k !== 'name');
    if (sources.length !== 1 || !VOLUME_SOURCES.includes(sources[0] ?? '')) p(`volume ${vname} needs exactly one known source, has ${sources.join(', ')}`);
    if (isObj(vol.configMap)) {
      keys(vol.configMap, ['name', 'items', 'defaultMode', 'optional'], `volume ${vname}.configMap`, p);
      const cm = configMaps.get(str(vol.configMap.name));
      if (cm === undefined) p(`volume ${vname} refers to ConfigMap ${str(vol.configMap.name)}, which is not generated`);
      for (const it of vol.configMap.items === undefined ? [] : arr(vol.configMap.items, 'items', p)) {
        const item = obj(it, 'item', p);
        keys(item, ['key', 'path', 'mode'], 'configMap.items[]', p);
        const key = str(item.key);
        if (cm !== undefined && !(key in (isObj(cm.data) ? cm.data : {})) && !(key in (isObj(cm.binaryData) ? cm.binaryData : {}))) p(`volume ${vname}: item key ${key} is not in the ConfigMap`);
        const path = str(item.path);
        if (path.startsWith('/') || path.split('/').includes('..') || path === '') p(`volume ${vname}: item path ${path} must be relative without ..`);
      }
    }
    if (isObj(vol.secret)) keys(vol.secret, ['secretName', 'items', 'defaultMode', 'optional'], `volume ${vname}.secret`, p);
    if (isObj(vol.persistentVolumeClaim)) {
      keys(vol.persistentVolumeClaim, ['claimName', 'readOnly'], `volume ${vname}.persistentVolumeClaim`, p);
      if (typeof vol.persistentVolumeClaim.claimName !== 'string') p(`volume ${vname}: claimName is required`);
    }
  }
  const containers = arr(spec.containers, `${at}.containers`, p);
  if (containers.length === 0) p(`${at}.containers must not be empty`);
  for (const c of containers) checkContainer(obj(c, 'container', p), volumes, configMaps, `${at}.containers[]`, p);
}

function checkContainer(c: Obj, volumes: Map<string, Obj>, configMaps: Map<string, Obj>, at: string, p: (m: string) => void): void {
  keys(c, CONTAINER, at, p);
  if (typeof c.name !== 'string' || !DNS1123_LABEL.test(c.name)) p(`${at}.name must be a DNS-1123 label`);
  if (typeof c.image !== 'string' || c.image === '') p(`${at}.image is required`);
  if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(str(c.imagePullPolicy))) p(`${at}.imagePullPolicy`);
  for (const k of ['args', 'command']) if (c[k] !== undefined && !arr(c[k], k, p).every((a) => typeof a === 'string')) p(`${at}.${k} must be strings`);
  const portNames = new Set<string>();
  for (const port of c.ports === undefined ? [] : arr(c.ports, 'ports', p)) {
    const po = obj(port, 'port', p);
    keys(po, ['name', 'containerPort', 'protocol', 'hostPort', 'hostIP'], `${at}.ports[]`, p);
    if (!Number.isInteger(po.containerPort) || (po.containerPort as number) < 1 || (po.containerPort as number) > 65535) p('containerPort must be 1..65535');
    if (po.name !== undefined) {
      if (typeof po.name !== 'string' || po.name.length > 15 || !IANA_SVC_NAME.test(po.name)) p(`port name ${str(po.name)} is not an IANA_SVC_NAME`);
      portNames.add(str(po.name));
    }
    if (po.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(str(po.protocol))) p('bad port protocol');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[probe] === undefined) continue;
    const pr = obj(c[probe], probe, p);
    keys(pr, PROBE, `${at}.${probe}`, p);
    if (isObj(pr.httpGet)) {
      keys(pr.httpGet, HTTP_GET, `${at}.${probe}.httpGet`, p);
      const port = pr.httpGet.port;
      if (typeof port === 'string' && !portNames.has(port)) p(`${probe} uses port ${port}, which the container does not name`);
      if (typeof pr.httpGet.path !== 'string' || !pr.httpGet.path.startsWith('/')) p(`${probe}.httpGet.path must be absolute`);
    }
  }
  if (c.resources !== undefined) {
    const res = obj(c.resources, 'resources', p);
    keys(res, ['requests', 'limits', 'claims'], `${at}.resources`, p);
    const req = res.requests === undefined ? {} : obj(res.requests, 'requests', p);
    const lim = res.limits === undefined ? {} : obj(res.limits, 'limits', p);
    for (const [k, v] of [...Object.entries(req), ...Object.entries(lim)]) if (typeof v !== 'string' || !QUANTITY.test(v)) p(`resource ${k}=${str(v)} is not a quantity`);
    // Extended resources (GPUs) cannot be overcommitted: whole numbers, requests equal to limits if both are set.
    for (const k of Object.keys({ ...req, ...lim }).filter((k) => k.includes('/'))) {
      if (lim[k] === undefined) p(`extended resource ${k} must be set in limits`);
      if (!/^\d+$/.test(str(lim[k]))) p(`extended resource ${k} must be a whole number`);
      if (req[k] !== undefined && req[k] !== lim[k]) p(`extended resource ${k}: requests must equal limits`);
    }
  }
  for (const m of c.volumeMounts === undefined ? [] : arr(c.volumeMounts, 'volumeMounts', p)) {
    const vm = obj(m, 'volumeMount', p);
    keys(vm, VOLUME_MOUNT, `${at}.volumeMounts[]`, p);
    if (!volumes.has(str(vm.name))) p(`volumeMount ${str(vm.name)} has no volume`);
    if (typeof vm.mountPath !== 'string' || !vm.mountPath.startsWith('/')) p('mountPath must be absolute');
  }
  for (const e of c.envFrom === undefined ? [] : arr(c.envFrom, 'envFrom', p)) {
    const ef = obj(e, 'envFrom', p);
    keys(ef, ['configMapRef', 'secretRef', 'prefix'], `${at}.envFrom[]`, p);
    if (isObj(ef.configMapRef) && !configMaps.has(str(ef.configMapRef.name))) p(`envFrom refers to ConfigMap ${str(ef.configMapRef.name)}, which is not generated`);
  }
  if (c.securityContext !== undefined) {
    const sc = obj(c.securityContext, 'securityContext', p);
    keys(sc, CONTAINER_SECURITY, `${at}.securityContext`, p);
    if (sc.capabilities !== undefined) keys(obj(sc.capabilities, 'capabilities', p), ['add', 'drop'], 'capabilities', p);
  }
}

function checkScaledObject(o: Obj, deployments: Set<string>, auths: Map<string, Obj>, p: (m: string) => void): void {
  const spec = obj(o.spec, 'spec', p);
  keys(spec, SCALED_OBJECT_SPEC, 'spec', p);
  const target = obj(spec.scaleTargetRef, 'spec.scaleTargetRef', p);
  keys(target, SCALE_TARGET, 'spec.scaleTargetRef', p);
  if (!deployments.has(str(target.name))) p(`scaleTargetRef.name ${str(target.name)} is not a generated Deployment`);
  if (target.kind !== undefined && target.kind !== 'Deployment') p('scaleTargetRef.kind must be Deployment');
  if (target.apiVersion !== undefined && target.apiVersion !== 'apps/v1') p('scaleTargetRef.apiVersion must be apps/v1');
  for (const k of ['pollingInterval', 'cooldownPeriod', 'minReplicaCount', 'maxReplicaCount', 'idleReplicaCount', 'initialCooldownPeriod']) {
    if (spec[k] !== undefined && (!Number.isInteger(spec[k]) || (spec[k] as number) < 0)) p(`spec.${k} must be a non-negative integer`);
  }
  const min = typeof spec.minReplicaCount === 'number' ? spec.minReplicaCount : 0;
  const max = typeof spec.maxReplicaCount === 'number' ? spec.maxReplicaCount : 100;
  if (min > max) p('minReplicaCount exceeds maxReplicaCount');
  const triggers = arr(spec.triggers, 'spec.triggers', p);
  if (triggers.length === 0) p('spec.triggers must not be empty');
  for (const t of triggers) {
    const trig = obj(t, 'trigger', p);
    keys(trig, TRIGGER, 'spec.triggers[]', p);
    if (trig.type !== 'pulsar') p(`trigger type ${str(trig.type)} is not pulsar`);
    const md = obj(trig.metadata, 'trigger.metadata', p);
    keys(md, KEDA_PULSAR_METADATA, 'trigger.metadata', p);
    for (const [k, v] of Object.entries(md)) if (typeof v !== 'string') p(`trigger.metadata.${k} must be a string (KEDA metadata is map[string]string)`);
    for (const [a, b] of [['adminURL', 'adminURLFromEnv'], ['topic', 'topicFromEnv'], ['subscription', 'subscriptionFromEnv']] as const) {
      if (md[a] === undefined && md[b] === undefined) p(`trigger.metadata needs ${a} or ${b}`);
    }
    if (typeof md.adminURL === 'string' && !/^https?:\/\/[^/]+$/.test(md.adminURL)) p('adminURL must be http(s)://host:port without a path (the scaler appends /admin/v2/...)');
    if (typeof md.topic === 'string' && !/^persistent:\/\/[^/]+\/[^/]+\/[^/]+$/.test(md.topic)) p('topic must be persistent://tenant/namespace/topic');
    if (md.isPartitionedTopic !== undefined && md.isPartitionedTopic !== 'true' && md.isPartitionedTopic !== 'false') p('isPartitionedTopic must be "true" or "false"');
    for (const k of ['msgBacklogThreshold', 'activationMsgBacklogThreshold']) if (md[k] !== undefined && !/^-?\d+$/.test(str(md[k]))) p(`${k} must parse as a base-10 int64`);
    if (md.authModes !== undefined) {
      const modes = str(md.authModes).split(',').map((m) => m.trim());
      for (const m of modes) if (!['bearer', 'tls', 'basic', 'oauth'].includes(m)) p(`authModes ${m} is not one of bearer, tls, basic, oauth`);
      if (modes.includes('bearer')) {
        const ref = isObj(trig.authenticationRef) ? str(trig.authenticationRef.name) : undefined;
        const auth = ref === undefined ? undefined : auths.get(ref);
        const params = auth !== undefined && isObj(auth.spec) && Array.isArray(auth.spec.secretTargetRef) ? auth.spec.secretTargetRef.filter(isObj).map((r) => r.parameter) : [];
        if (!params.includes('bearerToken')) p('authModes bearer needs an authenticationRef to a TriggerAuthentication with parameter bearerToken');
      }
    }
    if (trig.authenticationRef !== undefined) {
      const ref = obj(trig.authenticationRef, 'authenticationRef', p);
      keys(ref, AUTH_REF, 'authenticationRef', p);
      if (!auths.has(str(ref.name))) p(`authenticationRef ${str(ref.name)} is not a generated TriggerAuthentication`);
    }
  }
}

function name(o: Obj): string {
  return isObj(o.metadata) ? str(o.metadata.name) : '?';
}

function expectApi(o: Obj, api: string, p: (m: string) => void): void {
  if (o.apiVersion !== api) p(`apiVersion ${str(o.apiVersion)}, expected ${api}`);
}

function keys(o: Obj, allowed: readonly string[], at: string, p: (m: string) => void): void {
  const extra = ['apiVersion', 'kind', 'metadata', 'spec'];
  for (const k of Object.keys(o)) if (!allowed.includes(k) && !(at === '' && extra.includes(k))) p(`${at === '' ? '' : `${at}.`}${k} is not a known field`);
}

function obj(v: unknown, at: string, p: (m: string) => void): Obj {
  if (isObj(v)) return v;
  p(`${at} must be a mapping`);
  return {};
}

function arr(v: unknown, at: string, p: (m: string) => void): unknown[] {
  if (Array.isArray(v)) return v as unknown[];
  p(`${at} must be a list`);
  return [];
}

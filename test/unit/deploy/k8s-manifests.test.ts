import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../src/errors.js';
import { loadFunctionFile, type FunctionConfig } from '../../../src/config/function-config.js';
import { loadFunctions, type LoadedFunctions } from '../../../src/config/function-registry.js';
import { loadWorkerConfig } from '../../../src/config/worker-config.js';
import type { FeatureSpec } from '../../../src/features/feature-spec.js';
import type { OutputSpec } from '../../../src/features/output-spec.js';
import type { ModelSpec } from '../../../src/inference/model-spec.js';
import { buildK8sManifests, manifestFiles, renderManifests } from '../../../src/deploy/k8s-manifests.js';
import { IMAGE_FUNCTIONS_DIR, POD_FUNCTIONS_DIR, POD_MODEL_DIR, POD_SCHEMAS_DIR, type K8sOptions } from '../../../src/deploy/k8s-options.js';
import type { K8sObject } from '../../../src/deploy/k8s-workload.js';
import { startHealthServer } from '../../../src/metrics/health-server.js';
import { ReadinessRegistry } from '../../../src/metrics/readiness.js';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';
import { writeTestFunction } from '../../helpers/test-function.js';
import { validateManifests } from './k8s-schema.js';

type Obj = Record<string, unknown>;

const OPTIONS: K8sOptions = {
  image: 'registry.example/strobe:1.2.3',
  imagePullPolicy: 'IfNotPresent',
  namespace: 'scoring',
  serviceUrl: 'pulsar://pulsar-broker.pulsar.svc:6650',
  adminUrl: 'http://pulsar-broker.pulsar.svc:8080',
  minReplicas: 0,
  maxReplicas: 8,
  backlogThreshold: 500,
  activationThreshold: 3,
  pollingInterval: 15,
  cooldownPeriod: 120,
  metricsPort: 9464,
  logLevel: 'info',
  drainTimeoutMs: 25_000,
  model: { kind: 'configmap' },
  subscriptionJob: true,
};

const IN_A = 'persistent://public/default/payments-a';
const IN_B = 'persistent://risk/ingest/payments-b';

function testFunction(extra: Record<string, unknown> = {}, name = 'payment-scorer'): { fn: FunctionConfig; schemasDir: string } {
  const { dir, config } = writeTestFunction({ name, input: IN_A, output: 'persistent://public/default/scores', extra });
  return { fn: config, schemasDir: join(dirname(dir), 'schemas') };
}

function find(objects: readonly K8sObject[], kind: string): Obj {
  const o = objects.find((x) => x.kind === kind);
  assert.ok(o, `no ${kind}`);
  return o;
}

function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const k of path) cur = cur === undefined || cur === null ? undefined : (cur as Record<string | number, unknown>)[k];
  return cur;
}

function triggers(objects: readonly K8sObject[]): Obj[] {
  return at(find(objects, 'ScaledObject'), 'spec', 'triggers') as Obj[];
}

function container(objects: readonly K8sObject[], kind = 'Deployment'): Obj {
  return at(find(objects, kind), 'spec', 'template', 'spec', 'containers', 0) as Obj;
}

/** Writes the ConfigMap items where the pod's volume mounts would put them, under `root`. */
function materialize(objects: readonly K8sObject[], root: string): void {
  const podSpec = at(find(objects, 'Deployment'), 'spec', 'template', 'spec') as Obj;
  const volumes = podSpec.volumes as Obj[];
  for (const mount of (container(objects).volumeMounts as Obj[])) {
    const vol = volumes.find((v) => v.name === mount.name);
    const cmRef = vol?.configMap as Obj | undefined;
    if (cmRef === undefined) continue;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cmRef.name) as Obj;
    for (const item of cmRef.items as Obj[]) {
      const file = join(root, String(mount.mountPath), String(item.path));
      mkdirSync(dirname(file), { recursive: true });
      const text = (cm.data as Record<string, string> | undefined)?.[String(item.key)];
      const binary = (cm.binaryData as Record<string, string> | undefined)?.[String(item.key)];
      writeFileSync(file, text ?? Buffer.from(binary ?? '', 'base64'));
    }
  }
}

describe('strobe deploy k8s: manifests', () => {
  it('non-partitioned input: valid Kubernetes and KEDA objects, one pulsar trigger with isPartitionedTopic "false"', () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false });
    assert.deepEqual(validateManifests(m.objects), []);
    assert.deepEqual(m.objects.map((o) => o.kind), ['ConfigMap', 'ConfigMap', 'Deployment', 'Job', 'ScaledObject']);
    const so = find(m.objects, 'ScaledObject');
    assert.equal(at(so, 'spec', 'minReplicaCount'), 0);
    assert.equal(at(so, 'spec', 'maxReplicaCount'), OPTIONS.maxReplicas);
    assert.equal(at(so, 'spec', 'pollingInterval'), OPTIONS.pollingInterval);
    assert.equal(at(so, 'spec', 'cooldownPeriod'), OPTIONS.cooldownPeriod);
    assert.equal(at(so, 'spec', 'scaleTargetRef', 'name'), at(find(m.objects, 'Deployment'), 'metadata', 'name'));
    assert.deepEqual(triggers(m.objects), [
      {
        type: 'pulsar',
        metadata: {
          adminURL: OPTIONS.adminUrl,
          topic: IN_A,
          subscription: fn.subName,
          isPartitionedTopic: 'false',
          msgBacklogThreshold: String(OPTIONS.backlogThreshold),
          activationMsgBacklogThreshold: String(OPTIONS.activationThreshold),
        },
      },
    ]);
    for (const o of m.objects) assert.equal(o.metadata.namespace, OPTIONS.namespace);
  });

  it('partitioned input: isPartitionedTopic "true"', () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: true });
    assert.deepEqual(validateManifests(m.objects), []);
    assert.equal(at(triggers(m.objects), 0, 'metadata', 'isPartitionedTopic'), 'true');
  });

  it('two inputs, one partitioned: one trigger per input, each with its own topic and flag', () => {
    const { fn, schemasDir } = testFunction({ inputs: [IN_A, IN_B] });
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false, [IN_B]: true });
    assert.deepEqual(validateManifests(m.objects), []);
    const t = triggers(m.objects).map((x) => [at(x, 'metadata', 'topic'), at(x, 'metadata', 'isPartitionedTopic'), at(x, 'metadata', 'subscription')]);
    assert.deepEqual(t, [
      [IN_A, 'false', fn.subName],
      [IN_B, 'true', fn.subName],
    ]);
  });

  it('GPU, CPU and memory come from resources: nvidia.com/gpu in limits only, a GPU toleration, canonical quantities', () => {
    const { fn, schemasDir } = testFunction({ resources: { cpu: 0.5, ram: '1536MiB', gpu: 2 }, model: { backend: 'onnx', path: 'model.onnx', device: 'cuda' } });
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false });
    assert.deepEqual(validateManifests(m.objects), []);
    const res = container(m.objects).resources as Obj;
    // 0.5 cores is 500 millicores; 1536 MiB is 1.5 GiB, written with the largest exact binary suffix.
    assert.deepEqual(res, { requests: { cpu: '500m', memory: '1536Mi' }, limits: { memory: '1536Mi', 'nvidia.com/gpu': '2' } });
    assert.deepEqual(at(find(m.objects, 'Deployment'), 'spec', 'template', 'spec', 'tolerations'), [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    // The subscription Job needs no GPU.
    assert.equal(JSON.stringify(container(m.objects, 'Job')).includes('nvidia.com/gpu'), false);
    assert.deepEqual(m.warnings, []);
  });

  it('the pod sees a loadable function: the ConfigMap items, placed as the volumes mount them, compile to the same function', () => {
    const { fn, schemasDir } = testFunction();
    const model = Buffer.from([0x08, 0x00, 0xff, 0xfe, 0x00, 0x42]); // not UTF-8: must travel as binaryData
    writeFileSync(join(fn.dir, 'model.onnx'), model);
    // Other files the function reaches by relative path (e.g. a vocabularyFile) come along.
    mkdirSync(join(fn.dir, 'vocab'));
    writeFileSync(join(fn.dir, 'vocab/items.txt'), 'a\nb\n');
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false });
    assert.deepEqual(validateManifests(m.objects), []);
    const root = mkdtempSync(join(tmpdir(), 'strobe-pod-'));
    materialize(m.objects, root);
    const loaded = loadFunctions(join(root, POD_FUNCTIONS_DIR), [fn.name], { schemasDir: join(root, POD_SCHEMAS_DIR) });
    assert.deepEqual(loaded.errors.map((e) => e.message), []);
    const pod = loaded.functions[0];
    assert.ok(pod);
    assert.deepEqual([pod.name, pod.inputs, pod.output, pod.subName, pod.subscriptionType], [fn.name, fn.inputs, fn.output, fn.subName, fn.subscriptionType]);
    assert.deepEqual(pod.schemas.input.schema, fn.schemas.input.schema);
    assert.deepEqual(readFileSync(join(pod.dir, pod.model.path)), model);
    assert.equal(readFileSync(join(pod.dir, 'vocab/items.txt'), 'utf8'), 'a\nb\n');
  });

  it("the repository's fraud-scorer, deployed, compiles in the pod with its features, outputs and model", () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const loaded = loadFunctions(join(root, 'functions'), ['fraud-scorer'], { schemasDir: join(root, 'schemas') });
    assert.deepEqual(loaded.errors.map((e) => e.message), []);
    const fn = loaded.functions[0];
    assert.ok(fn);
    for (const partitioned of [false, true]) {
      const m = buildK8sManifests(fn, join(root, 'schemas'), OPTIONS, Object.fromEntries(fn.inputs.map((t) => [t, partitioned])));
      assert.deepEqual(validateManifests(m.objects), []);
      const pod = mkdtempSync(join(tmpdir(), 'strobe-pod-'));
      materialize(m.objects, pod);
      const inPod: LoadedFunctions<FeatureSpec, OutputSpec, ModelSpec> = loadFunctions<FeatureSpec, OutputSpec, ModelSpec>(join(pod, POD_FUNCTIONS_DIR), [fn.name], { schemasDir: join(pod, POD_SCHEMAS_DIR) });
      assert.deepEqual(inPod.errors.map((e) => e.message), []);
      const f: FunctionConfig | undefined = inPod.functions[0];
      assert.ok(f);
      assert.deepEqual([f.features, f.outputs, f.model, f.batching, f.key], [fn.features, fn.outputs, fn.model, fn.batching, fn.key]);
      assert.deepEqual(readFileSync(join(f.dir, f.model.path)), readFileSync(join(fn.dir, fn.model.path)));
    }
  });

  it('the env ConfigMap is worker config: STROBE_* names the worker reads, pointing at the mounted directories', () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false });
    const envRef = at(container(m.objects), 'envFrom', 0, 'configMapRef', 'name');
    const env = m.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === envRef) as Obj;
    const data = env.data as Record<string, string>;
    const config = loadWorkerConfig({ env: data, cwd: '/' });
    assert.equal(config.serviceUrl, OPTIONS.serviceUrl);
    assert.equal(config.adminUrl, OPTIONS.adminUrl);
    assert.equal(config.metrics.port, OPTIONS.metricsPort);
    assert.equal(config.drainTimeoutMs, OPTIONS.drainTimeoutMs);
    const mounts = container(m.objects).volumeMounts as Obj[];
    assert.ok(mounts.some((v) => v.mountPath === join(config.functionsDir, fn.name)), 'the function directory is mounted at <functionsDir>/<name>');
    assert.ok(mounts.some((v) => v.mountPath === config.schemasDir), 'the schemas are mounted at schemasDir');
    // SIGKILL comes after the grace period: it must leave the drain its full time.
    const grace = at(find(m.objects, 'Deployment'), 'spec', 'template', 'spec', 'terminationGracePeriodSeconds') as number;
    assert.ok(grace * 1000 > config.drainTimeoutMs);
  });

  it('probes and the Prometheus annotation name paths the worker health server answers', async () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, OPTIONS, { [IN_A]: false });
    const c = container(m.objects);
    const ports = c.ports as Obj[];
    assert.deepEqual(ports.map((p) => p.containerPort), [OPTIONS.metricsPort]);
    const annotations = at(find(m.objects, 'Deployment'), 'spec', 'template', 'metadata', 'annotations') as Record<string, string>;
    assert.equal(annotations['prometheus.io/port'], String(OPTIONS.metricsPort));
    const metrics = new StrobeMetrics();
    metrics.forFunction(fn.name).eventsReceived(1);
    const readiness = new ReadinessRegistry();
    readiness.register('function');
    const server = await startHealthServer({ registry: metrics.registry, readiness, port: 0, host: '127.0.0.1' });
    try {
      const get = (path: unknown): Promise<Response> => fetch(`${server.url}${String(path)}`);
      assert.equal((await get(at(c, 'livenessProbe', 'httpGet', 'path'))).status, 200);
      assert.equal((await get(at(c, 'readinessProbe', 'httpGet', 'path'))).status, 503, 'not ready while a component is starting');
      readiness.set('function', true);
      assert.equal((await get(at(c, 'readinessProbe', 'httpGet', 'path'))).status, 200);
      const scraped = await get(annotations['prometheus.io/path']);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /strobe_events_received_total\{function="payment-scorer"\} 1/);
    } finally {
      await server.close();
    }
  });

  it('--model-from image points model.path at the baked copy and keeps the file comments; volume mounts the claim', () => {
    const { fn: first } = testFunction();
    const file = first.file;
    writeFileSync(file, `# kept: why this function exists\n${readFileSync(file, 'utf8')}`);
    const reloaded = loadFunctionFile<FeatureSpec, OutputSpec, ModelSpec>({ file, schemasDir: join(dirname(first.dir), 'schemas') });
    assert.ok(reloaded.value);
    const fn = reloaded.value;
    const schemasDir = join(dirname(fn.dir), 'schemas');

    const img = buildK8sManifests(fn, schemasDir, { ...OPTIONS, model: { kind: 'image' } }, { [IN_A]: false });
    assert.deepEqual(validateManifests(img.objects), []);
    const cm = find(img.objects, 'ConfigMap');
    const yamlText = (cm.data as Record<string, string>)['function.yaml'] ?? '';
    assert.match(yamlText, /^# kept: why this function exists/);
    assert.equal(at(parseYaml(yamlText), 'model', 'path'), `${IMAGE_FUNCTIONS_DIR}/${fn.name}/model.onnx`);
    assert.equal(cm.binaryData, undefined);
    assert.equal(Object.keys(cm.data as Obj).includes('model.onnx'), false, 'the model is not in the ConfigMap');
    assert.deepEqual(img.bundle.modelFiles, ['model.onnx']);
    assert.ok(img.bundle.functionFiles.some((f) => f.path === 'function.yaml'));

    const vol = buildK8sManifests(fn, schemasDir, { ...OPTIONS, model: { kind: 'volume', claimName: 'models' } }, { [IN_A]: false });
    assert.deepEqual(validateManifests(vol.objects), []);
    const podSpec = at(find(vol.objects, 'Deployment'), 'spec', 'template', 'spec') as Obj;
    assert.ok((podSpec.volumes as Obj[]).some((v) => at(v, 'persistentVolumeClaim', 'claimName') === 'models'));
    const mount = (container(vol.objects).volumeMounts as Obj[]).find((v) => v.name === 'model');
    assert.deepEqual(mount, { name: 'model', mountPath: POD_MODEL_DIR, subPath: fn.name, readOnly: true });
    const volYaml = (find(vol.objects, 'ConfigMap').data as Record<string, string>)['function.yaml'] ?? '';
    assert.equal(at(parseYaml(volYaml), 'model', 'path'), `${POD_MODEL_DIR}/model.onnx`);
  });

  it('a token Secret: the worker reads it as its token file, KEDA gets it as a bearer token through a TriggerAuthentication', () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, { ...OPTIONS, tokenSecret: { name: 'pulsar-jwt', key: 'jwt' } }, { [IN_A]: false });
    assert.deepEqual(validateManifests(m.objects), []);
    const auth = find(m.objects, 'TriggerAuthentication');
    assert.deepEqual(at(auth, 'spec', 'secretTargetRef'), [{ parameter: 'bearerToken', name: 'pulsar-jwt', key: 'jwt' }]);
    const t = triggers(m.objects)[0];
    assert.equal(at(t, 'metadata', 'authModes'), 'bearer');
    assert.equal(at(t, 'authenticationRef', 'name'), at(auth, 'metadata', 'name'));
    const env = m.objects.find((o) => o.kind === 'ConfigMap' && (o.data as Obj).STROBE_AUTH_TOKEN_FILE !== undefined) as Obj;
    const tokenFile = String((env.data as Obj).STROBE_AUTH_TOKEN_FILE);
    const mount = (container(m.objects).volumeMounts as Obj[]).find((v) => v.name === 'pulsar-token') as Obj;
    const secretVolume = (at(find(m.objects, 'Deployment'), 'spec', 'template', 'spec', 'volumes') as Obj[]).find((v) => v.name === 'pulsar-token') as Obj;
    assert.equal(tokenFile, `${String(mount.mountPath)}/${String(at(secretVolume, 'secret', 'items', 0, 'path'))}`);
    assert.equal(at(secretVolume, 'secret', 'items', 0, 'key'), 'jwt');
  });

  it('refuses what cannot work: Exclusive with several replicas, a non-persistent input, a model too big for a ConfigMap', () => {
    const exclusive = testFunction({ subscriptionType: 'Exclusive' });
    assert.throws(() => buildK8sManifests(exclusive.fn, exclusive.schemasDir, OPTIONS, { [IN_A]: false }), (e: unknown) => e instanceof ConfigError && /Exclusive/.test(e.message));
    assert.doesNotThrow(() => buildK8sManifests(exclusive.fn, exclusive.schemasDir, { ...OPTIONS, maxReplicas: 1 }, { [IN_A]: false }));

    const np = testFunction({ inputs: ['non-persistent://public/default/ticks'] });
    assert.throws(() => buildK8sManifests(np.fn, np.schemasDir, OPTIONS, {}), (e: unknown) => e instanceof ConfigError && /persistent/.test(e.message));

    const big = testFunction();
    writeFileSync(join(big.fn.dir, 'model.onnx'), Buffer.alloc(900 * 1024, 0xff)); // base64 grows it past 1 MiB
    assert.throws(() => buildK8sManifests(big.fn, big.schemasDir, OPTIONS, { [IN_A]: false }), (e: unknown) => e instanceof ConfigError && /--model-from image/.test(e.message) && /largest: model\.onnx 921600 bytes/.test(e.message));
    assert.doesNotThrow(() => buildK8sManifests(big.fn, big.schemasDir, { ...OPTIONS, model: { kind: 'image' } }, { [IN_A]: false }));

    assert.throws(() => buildK8sManifests(big.fn, big.schemasDir, { ...OPTIONS, minReplicas: 3, maxReplicas: 2 }, { [IN_A]: false }), ConfigError);
  });

  it('warns when the model device and the GPU resources disagree, and about loopback URLs', () => {
    const cuda = testFunction({ model: { backend: 'onnx', path: 'model.onnx', device: 'cuda', deviceFallback: 'cpu' } });
    const m = buildK8sManifests(cuda.fn, cuda.schemasDir, { ...OPTIONS, adminUrl: 'http://127.0.0.1:8080' }, { [IN_A]: false });
    assert.equal(m.warnings.length, 2);
    assert.match(m.warnings[0] ?? '', /resources\.gpu is 0.*falls back to the CPU/);
    assert.match(m.warnings[1] ?? '', /admin URL http:\/\/127\.0\.0\.1:8080 is a loopback address/);
  });

  it('renders YAML documents that parse back to the same objects, and one file per object', () => {
    const { fn, schemasDir } = testFunction();
    const m = buildK8sManifests(fn, schemasDir, { ...OPTIONS, tokenSecret: { name: 's', key: 'token' } }, { [IN_A]: true });
    const docs = parseAllDocuments(renderManifests(m, 'header line'));
    assert.deepEqual(docs.map((d) => d.toJS() as unknown), JSON.parse(JSON.stringify(m.objects)));
    const files = manifestFiles(m);
    assert.equal(Object.keys(files).length, m.objects.length);
    assert.deepEqual(Object.values(files).map((t) => parseYaml(t) as unknown), JSON.parse(JSON.stringify(m.objects)));
  });
});

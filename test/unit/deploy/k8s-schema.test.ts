import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { buildK8sManifests } from '../../../src/deploy/k8s-manifests.js';
import type { K8sOptions } from '../../../src/deploy/k8s-options.js';
import { writeTestFunction } from '../../helpers/test-function.js';
import { validateManifests } from './k8s-schema.js';

// The structural checker must reject the mistakes it exists for; each case breaks one valid object set.
const TOPIC = 'persistent://public/default/schema-check';
const OPTIONS: K8sOptions = {
  image: 'strobe:test', imagePullPolicy: 'IfNotPresent', namespace: 'default', serviceUrl: 'pulsar://broker:6650', adminUrl: 'http://broker:8080',
  minReplicas: 0, maxReplicas: 4, backlogThreshold: 100, activationThreshold: 0, pollingInterval: 30, cooldownPeriod: 300, metricsPort: 9464,
  logLevel: 'info', drainTimeoutMs: 25_000, model: { kind: 'configmap' }, tokenSecret: { name: 'jwt', key: 'token' }, subscriptionJob: true,
};

type Mutable = Record<string, unknown>;

function objects(): Mutable[] {
  const { dir, config } = writeTestFunction({ name: 'checked', input: TOPIC, output: 'persistent://public/default/schema-check-out', extra: { resources: { cpu: 1, ram: '1GiB', gpu: 1 }, model: { backend: 'onnx', path: 'model.onnx', device: 'cuda' } } });
  const m = buildK8sManifests(config, join(dirname(dir), 'schemas'), OPTIONS, { [TOPIC]: false });
  return JSON.parse(JSON.stringify(m.objects)) as Mutable[];
}

function get(objs: Mutable[], kind: string): Mutable {
  const o = objs.find((x) => x.kind === kind);
  assert.ok(o);
  return o;
}

function path(o: unknown, ...keys: (string | number)[]): Mutable {
  let cur = o;
  for (const k of keys) cur = (cur as Record<string | number, unknown>)[k];
  return cur as Mutable;
}

const cases: [string, (objs: Mutable[]) => void, RegExp][] = [
  ['a misspelt ScaledObject field', (o) => { path(get(o, 'ScaledObject'), 'spec').maxReplicas = 3; }, /spec\.maxReplicas is not a known field/],
  ['a number in KEDA metadata', (o) => { path(get(o, 'ScaledObject'), 'spec', 'triggers', 0, 'metadata').msgBacklogThreshold = 10; }, /must be a string/],
  ['isPartitionedTopic as "yes"', (o) => { path(get(o, 'ScaledObject'), 'spec', 'triggers', 0, 'metadata').isPartitionedTopic = 'yes'; }, /isPartitionedTopic/],
  ['an unknown pulsar metadata key', (o) => { path(get(o, 'ScaledObject'), 'spec', 'triggers', 0, 'metadata').lagThreshold = '5'; }, /lagThreshold is not a known field/],
  ['a missing subscription', (o) => { delete path(get(o, 'ScaledObject'), 'spec', 'triggers', 0, 'metadata').subscription; }, /needs subscription or subscriptionFromEnv/],
  ['an adminURL with a path', (o) => { path(get(o, 'ScaledObject'), 'spec', 'triggers', 0, 'metadata').adminURL = 'http://broker:8080/admin/v2'; }, /without a path/],
  ['bearer without a TriggerAuthentication', (o) => { o.splice(o.findIndex((x) => x.kind === 'TriggerAuthentication'), 1); }, /bearerToken|not a generated TriggerAuthentication/],
  ['a scale target that is not generated', (o) => { path(get(o, 'ScaledObject'), 'spec', 'scaleTargetRef').name = 'other'; }, /not a generated Deployment/],
  ['a GPU in requests only', (o) => {
    const res = path(get(o, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'resources');
    delete path(res, 'limits')['nvidia.com/gpu'];
    path(res, 'requests')['nvidia.com/gpu'] = '1';
  }, /must be set in limits/],
  ['a bad memory quantity', (o) => { path(get(o, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'resources', 'requests').memory = '1GB'; }, /not a quantity/],
  ['a probe on an unnamed port', (o) => { path(get(o, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'livenessProbe', 'httpGet').port = 'http'; }, /does not name/],
  ['a selector the template lacks', (o) => { path(get(o, 'Deployment'), 'spec', 'selector', 'matchLabels').tier = 'gpu'; }, /does not match the template labels/],
  ['a ConfigMap key that is not there', (o) => { path(get(o, 'Deployment'), 'spec', 'template', 'spec', 'volumes', 0, 'configMap', 'items', 0).key = 'missing.yaml'; }, /not in the ConfigMap/],
  ['a Job that restarts Always', (o) => { path(get(o, 'Job'), 'spec', 'template', 'spec').restartPolicy = 'Always'; }, /OnFailure or Never/],
  ['an upper-case object name', (o) => { path(get(o, 'Deployment'), 'metadata').name = 'Strobe'; }, /DNS-1123/],
  ['an envFrom ConfigMap that is not generated', (o) => { path(get(o, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'envFrom', 0, 'configMapRef').name = 'nope'; }, /not generated/],
];

describe('Kubernetes/KEDA structural checker', () => {
  it('accepts the generated objects', () => {
    assert.deepEqual(validateManifests(objects()), []);
  });
  for (const [what, breakIt, expected] of cases) {
    it(`rejects ${what}`, () => {
      const o = objects();
      breakIt(o);
      const problems = validateManifests(o);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${String(expected)} among:\n${problems.join('\n')}`);
    });
  }
});

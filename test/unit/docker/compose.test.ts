import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { forEachField } from '../../../src/config/config-schema.js';
import { loadWorkerConfig, workerConfigSchema } from '../../../src/config/worker-config.js';
import { HEALTH_PATHS } from '../../../src/deploy/k8s-options.js';
import { envPairs, parseStages } from './dockerfile-parser.js';

type Obj = Record<string, unknown>;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCKER = join(ROOT, 'docker');
const compose = parseYaml(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')) as { services: Record<string, Obj>; volumes?: Obj };
const services = compose.services;
const service = (name: string): Obj => {
  const s = services[name];
  assert.ok(s, `service ${name}`);
  return s;
};

/** "host:container[/proto]" port mappings as container ports. */
function containerPorts(s: Obj): number[] {
  return ((s.ports ?? []) as string[]).map((p) => Number(String(p).split(':').at(-1)?.split('/')[0]));
}

/** Bind mounts as [absolute host path, container path]; named volumes are left out. */
function bindMounts(s: Obj): [string, string][] {
  return ((s.volumes ?? []) as string[])
    .map((v) => v.split(':'))
    .filter(([src]) => src !== undefined && (src.startsWith('.') || src.startsWith('/')))
    .map(([src, target]) => [resolve(DOCKER, src ?? ''), target ?? '']);
}

function hostOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

const workerEnvNames = new Set<string>();
forEachField(workerConfigSchema, (_, spec) => {
  if (spec.env !== undefined) workerEnvNames.add(spec.env);
});
const imageEnv = (() => {
  const { stages } = parseStages(readFileSync(join(DOCKER, 'Dockerfile'), 'utf8'));
  const runtime = stages[stages.length - 1];
  return Object.assign({}, ...(runtime?.instructions ?? []).filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args))) as Record<string, string>;
})();

describe('docker/compose.yaml (static)', () => {
  it('has Pulsar standalone (official 4.0.x image), the worker, Prometheus and Grafana, all on pinned images', () => {
    assert.deepEqual(Object.keys(services).sort(), ['grafana', 'prometheus', 'pulsar', 'strobe']);
    const pulsar = service('pulsar');
    assert.match(String(pulsar.image), /^apachepulsar\/pulsar:4\.0\.\d+$/);
    const command = pulsar.command as string[];
    assert.deepEqual(command.slice(0, 2), ['bin/pulsar', 'standalone']);
    // The broker advertises the name the worker connects to, or lookups would send clients to the container's own hostname.
    const advertised = command[command.indexOf('--advertised-address') + 1];
    assert.equal(advertised, 'pulsar');
    assert.ok(Array.isArray((pulsar.healthcheck as Obj).test));
    for (const [name, s] of Object.entries(services)) {
      if (typeof s.image === 'string') assert.doesNotMatch(s.image, /:latest$|^[^:]+$/, `${name} pins its image`);
    }
  });

  it('builds the worker from docker/Dockerfile with the repository as context, and reserves an NVIDIA GPU', () => {
    const strobe = service('strobe');
    const build = strobe.build as Obj;
    const context = resolve(DOCKER, String(build.context));
    assert.equal(context, resolve(ROOT));
    assert.ok(existsSync(join(context, String(build.dockerfile))));
    // BuildKit takes <Dockerfile>.dockerignore next to the Dockerfile for this context.
    assert.ok(existsSync(join(context, `${String(build.dockerfile)}.dockerignore`)));
    const devices = (((strobe.deploy as Obj).resources as Obj).reservations as Obj).devices as Obj[];
    assert.equal(devices.length, 1);
    const gpu = devices[0] as Obj;
    for (const k of Object.keys(gpu)) assert.ok(['driver', 'count', 'device_ids', 'capabilities', 'options'].includes(k), `devices[].${k} is a Compose field`);
    assert.equal(gpu.driver, 'nvidia');
    assert.ok((gpu.capabilities as string[]).includes('gpu'));
    assert.ok(gpu.count === 'all' || (Number.isInteger(gpu.count) && (gpu.count as number) >= 1));
    assert.ok(!(gpu.count !== undefined && gpu.device_ids !== undefined), 'count and device_ids exclude each other');
  });

  it('configures the worker with STROBE_* variables the worker reads, pointing at the pulsar service', () => {
    const strobe = service('strobe');
    const environment = strobe.environment as Record<string, string>;
    for (const k of Object.keys(environment)) assert.ok(workerEnvNames.has(k), `${k} is a worker config variable`);
    const config = loadWorkerConfig({ env: { ...imageEnv, ...environment }, cwd: '/' });
    const pulsarPorts = containerPorts(service('pulsar'));
    for (const url of [config.serviceUrl, config.adminUrl]) {
      const { host, port } = hostOf(url);
      assert.equal(host, 'pulsar');
      assert.ok(pulsarPorts.includes(port), `pulsar exposes ${port}`);
    }
    assert.ok(containerPorts(strobe).includes(config.metrics.port), 'the metrics port is published');
    assert.deepEqual(strobe.depends_on, { pulsar: { condition: 'service_healthy' } });
    // docker compose stop sends SIGTERM, then SIGKILL after stop_grace_period: leave the drain its time.
    const grace = /^(\d+)s$/.exec(String(strobe.stop_grace_period));
    assert.ok(grace !== null && Number(grace[1]) * 1000 > config.drainTimeoutMs);
    // The mounted repository directories replace the image's, at the paths the worker reads.
    const mounts = new Map(bindMounts(strobe).map(([src, target]) => [target, src]));
    assert.equal(mounts.get(config.functionsDir), join(ROOT, 'functions'));
    assert.equal(mounts.get(config.schemasDir), join(ROOT, 'schemas'));
  });

  it('mounts only files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [src] of bindMounts(s)) assert.ok(existsSync(src), `${name}: ${src} exists`);
    }
  });

  it('Prometheus scrapes the worker /metrics on its metrics port, and the broker', () => {
    const mounts = new Map(bindMounts(service('prometheus')).map(([src, target]) => [target, src]));
    const file = mounts.get('/etc/prometheus/prometheus.yml');
    assert.ok(file !== undefined, 'the config is mounted where the image reads it');
    const prom = parseYaml(readFileSync(file, 'utf8')) as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] };
    const env = loadWorkerConfig({ env: { ...imageEnv, ...(service('strobe').environment as Record<string, string>) }, cwd: '/' });
    const jobs = new Map(prom.scrape_configs.map((j) => [j.job_name, j]));
    const strobe = jobs.get('strobe');
    assert.equal(strobe?.metrics_path ?? '/metrics', HEALTH_PATHS.metrics);
    assert.deepEqual(strobe?.static_configs.flatMap((c) => c.targets), [`strobe:${env.metrics.port}`]);
    for (const job of prom.scrape_configs) {
      for (const target of job.static_configs.flatMap((c) => c.targets)) {
        const [host, port] = target.split(':');
        assert.ok(containerPorts(service(host ?? '')).includes(Number(port)), `${target} is a service port`);
      }
    }
    assert.ok(containerPorts(service('prometheus')).includes(9090));
  });

  it('Grafana gets the Prometheus datasource and the Strobe dashboard from provisioning', () => {
    const grafana = service('grafana');
    const mounts = new Map(bindMounts(grafana).map(([src, target]) => [target, src]));
    const provisioning = mounts.get('/etc/grafana/provisioning');
    assert.ok(provisioning !== undefined, 'provisioning is mounted where Grafana reads it');
    const ds = parseYaml(readFileSync(join(provisioning, 'datasources/prometheus.yaml'), 'utf8')) as { datasources: { uid: string; type: string; url: string }[] };
    const prom = ds.datasources[0];
    assert.equal(prom?.type, 'prometheus');
    const { host, port } = hostOf(prom?.url ?? '');
    assert.equal(host, 'prometheus');
    assert.ok(containerPorts(service('prometheus')).includes(port));
    const providers = parseYaml(readFileSync(join(provisioning, 'dashboards/strobe.yaml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const dashboardsIn = providers.providers[0]?.options.path ?? '';
    const hostDir = mounts.get(dashboardsIn);
    assert.ok(hostDir !== undefined, `the dashboards directory ${dashboardsIn} is mounted`);
    const home = (grafana.environment as Record<string, string>).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    assert.equal(posix.dirname(home), dashboardsIn);
    const dashboard = JSON.parse(readFileSync(join(hostDir, posix.basename(home)), 'utf8')) as { panels: { datasource?: { uid: string } }[] };
    const uids = new Set(dashboard.panels.map((p) => p.datasource?.uid).filter((u) => u !== undefined));
    assert.deepEqual([...uids], [prom?.uid]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachField } from '../../../src/config/config-schema.js';
import { loadWorkerConfig, workerConfigSchema } from '../../../src/config/worker-config.js';
import { IMAGE_FUNCTIONS_DIR, IMAGE_USER_ID } from '../../../src/deploy/k8s-options.js';
import { startHealthServer } from '../../../src/metrics/health-server.js';
import { ReadinessRegistry } from '../../../src/metrics/readiness.js';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';
import { runCommand } from '../../../src/cli/run-command.js';
import { copyArgs, dockerignored, envPairs, execForm, healthcheck, parseStages, type Stage } from './dockerfile-parser.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TEXT = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
const { stages } = parseStages(TEXT);
const IGNORE = readFileSync(join(ROOT, 'docker/Dockerfile.dockerignore'), 'utf8').split('\n');
const require = createRequire(import.meta.url);

function stage(name: string): Stage {
  const s = stages.find((x) => x.name === name);
  assert.ok(s, `no stage ${name}`);
  return s;
}
const runtime = stages[stages.length - 1] as Stage;
const build = stage('build');

const all = (s: Stage, keyword: string): string[] => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const indexOf = (s: Stage, keyword: string, pattern: RegExp): number => s.instructions.findIndex((i) => i.keyword === keyword && pattern.test(i.args));
const env = (s: Stage): Record<string, string> => Object.assign({}, ...all(s, 'ENV').map(envPairs)) as Record<string, string>;
const copies = (s: Stage) => all(s, 'COPY').map(copyArgs);
const workerEnvNames = (): Set<string> => {
  const names = new Set<string>();
  forEachField(workerConfigSchema, (_, spec) => {
    if (spec.env !== undefined) names.add(spec.env);
  });
  return names;
};
const METRICS_PORT = workerConfigSchema.metrics.port.default;

function runNode(script: string, args: string[], extraEnv: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...extraEnv }, timeout: 20_000 }, (err, _stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stderr });
    });
  });
}

describe('docker/Dockerfile (static)', () => {
  it('builds in a Node 20 stage and runs on an NVIDIA CUDA 12 + cuDNN runtime base on Ubuntu 22.04', () => {
    assert.match(build.image, /^node:20([.-]|$)/);
    assert.equal(runtime.name, 'runtime');
    assert.match(runtime.image, /^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu22\.04$/);
    // The comment's version claims follow the installed packages.
    const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
    assert.match(TEXT, new RegExp(`onnxruntime-node ${ort.split('.').slice(0, 2).join('\\.')}'s CUDA provider`));
    const nuget = (require('onnxruntime-node/script/install-metadata-versions.js') as { nuget: { version: string }[] }).nuget[0]?.version;
    assert.match(TEXT, new RegExp(`Gpu\\.Linux ${String(nuget).replace(/\./g, '\\.')}`));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
    const tfjsGpu = /(\d+\.\d+)/.exec(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu'] ?? '')?.[1];
    assert.match(TEXT, new RegExp(`tfjs-node-gpu ${String(tfjsGpu).replace('.', '\\.')} wraps libtensorflow`));
  });

  it('installs the ONNX Runtime CUDA provider and tfjs-node-gpu: install flag, script policy, no .npmrc skip', async () => {
    const flag = env(build).ONNXRUNTIME_NODE_INSTALL;
    const metadata = require('onnxruntime-node/script/install-metadata.js') as { requirements: Record<string, string[]>; manifests: Record<string, unknown> };
    assert.ok(flag !== undefined && metadata.requirements['linux/x64']?.includes(flag), `ONNXRUNTIME_NODE_INSTALL=${String(flag)} is a linux/x64 manifest`);
    assert.ok(metadata.manifests[`linux/x64:${flag}`]);
    assert.match(readFileSync(require.resolve('onnxruntime-node/script/install-utils.js'), 'utf8'), /process\.env\.ONNXRUNTIME_NODE_INSTALL \|\|/, 'the env variable is read before npm config');
    const npmCi = indexOf(build, 'RUN', /\bnpm ci\b/);
    assert.ok(npmCi > indexOf(build, 'ENV', /ONNXRUNTIME_NODE_INSTALL=/) && indexOf(build, 'ENV', /ONNXRUNTIME_NODE_INSTALL=/) >= 0, 'the flag is set before npm ci');
    // The repository's .npmrc turns the CUDA download off; the image must not copy it.
    assert.match(readFileSync(join(ROOT, '.npmrc'), 'utf8'), /onnxruntime-node-install=skip/);
    assert.ok(!copies(build).some((c) => c.sources.some((s) => s.includes('.npmrc'))));
    // npm 11 (package.json allowScripts) rather than node:20's npm 10.
    assert.match(all(build, 'RUN').join('\n'), /npm install -g npm@1[1-9]\./);

    // The package.json npm ci sees: prepared by the script the Dockerfile runs, on a copy of ours.
    const prepare = indexOf(build, 'RUN', /node docker\/prepare-package\.mjs package\.json/);
    assert.ok(prepare >= 0 && prepare < npmCi);
    const tmp = join(mkdtempSync(join(tmpdir(), 'strobe-pkg-')), 'package.json');
    copyFileSync(join(ROOT, 'package.json'), tmp);
    assert.equal((await runNode(join(ROOT, 'docker/prepare-package.mjs'), [tmp], {})).code, 0);
    const prepared = JSON.parse(readFileSync(tmp, 'utf8')) as { allowScripts: Record<string, boolean>; scripts: Record<string, string>; optionalDependencies: Record<string, string> };
    assert.equal(prepared.allowScripts['@tensorflow/tfjs-node-gpu'], true);
    assert.equal(prepared.allowScripts['onnxruntime-node'], true);
    assert.equal(prepared.allowScripts['@tensorflow/tfjs-node'], false, 'the CPU libtensorflow download is skipped');
    assert.ok('@tensorflow/tfjs-node-gpu' in prepared.optionalDependencies);
    assert.equal(prepared.scripts.prepare, undefined, 'npm ci runs before the sources exist');
    assert.ok(prepared.scripts.build !== undefined);
    assert.ok(indexOf(build, 'RUN', /npm run build/) > indexOf(build, 'COPY', /^src\//), 'the build runs after the sources are copied');
    assert.match(all(build, 'RUN').join('\n'), /npm prune --omit=dev/);
  });

  it('runs as the non-root user it creates, the uid the Kubernetes manifests run as', () => {
    const users = all(runtime, 'USER');
    const last = users[users.length - 1];
    assert.ok(last !== undefined, 'USER is set');
    const [user, group] = last.split(':');
    assert.notEqual(user, 'root');
    assert.notEqual(user, '0');
    assert.equal(Number(user), IMAGE_USER_ID);
    assert.equal(Number(group), IMAGE_USER_ID);
    assert.match(all(runtime, 'RUN').join('\n'), new RegExp(`useradd --uid ${IMAGE_USER_ID} `));
  });

  it('health check: /healthz on the worker metrics port, checked against the real health server', async () => {
    const hc = healthcheck(all(runtime, 'HEALTHCHECK')[0] ?? '');
    const cmd = execForm(hc.command);
    assert.ok(cmd !== undefined && cmd[0] === 'node', 'exec form, run by node');
    const script = cmd[1] ?? '';
    const copied = copies(runtime).find((c) => c.sources.includes('docker/healthcheck.mjs'));
    const workdir = all(runtime, 'WORKDIR').at(-1) ?? '/';
    assert.equal(posix.resolve(workdir, copied?.dest ?? ''), script, 'the health check runs the copied script');
    assert.equal(env(runtime).STROBE_METRICS_PORT, String(METRICS_PORT));
    assert.deepEqual(all(runtime, 'EXPOSE'), [String(METRICS_PORT)]);
    const source = readFileSync(join(ROOT, 'docker/healthcheck.mjs'), 'utf8');
    assert.equal(/STROBE_METRICS_PORT \|\| '(\d+)'/.exec(source)?.[1], String(METRICS_PORT), 'the script defaults to the worker default port');

    const local = join(ROOT, 'docker/healthcheck.mjs');
    const readiness = new ReadinessRegistry();
    readiness.register('function'); // not ready: liveness must not depend on readiness
    const server = await startHealthServer({ registry: new StrobeMetrics().registry, readiness, port: 0, host: '127.0.0.1' });
    try {
      assert.equal((await runNode(local, [], { STROBE_METRICS_PORT: String(server.port), STROBE_METRICS_HOST: '0.0.0.0' })).code, 0);
    } finally {
      await server.close();
    }
    // The closed port now: unhealthy.
    const closed = await runNode(local, [], { STROBE_METRICS_PORT: String(server.port) });
    assert.equal(closed.code, 1);
    // Something answering, but not 200 on /healthz: unhealthy.
    const other = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 503 : 200).end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const r = await runNode(local, [], { STROBE_METRICS_PORT: String((other.address() as AddressInfo).port), STROBE_METRICS_HOST: '127.0.0.1' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /503/);
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('sets only STROBE_* variables the worker reads, and they compile to the directories the image fills', () => {
    const vars = env(runtime);
    const strobe = Object.fromEntries(Object.entries(vars).filter(([k]) => k.startsWith('STROBE_')));
    const known = workerEnvNames();
    for (const k of Object.keys(strobe)) assert.ok(known.has(k), `${k} is a worker config variable`);
    assert.ok(Object.keys(strobe).length >= 4);
    const config = loadWorkerConfig({ env: strobe, cwd: '/' });
    const dest = (src: string): string => posix.normalize(copies(runtime).find((c) => c.sources.includes(src))?.dest ?? '').replace(/\/$/, '');
    const workdir = all(runtime, 'WORKDIR').at(-1) ?? '/';
    const abs = (p: string): string => (p.startsWith('/') ? p : posix.join(workdir, p));
    assert.equal(config.functionsDir, abs(dest('functions/')));
    assert.equal(config.functionsDir, IMAGE_FUNCTIONS_DIR, 'deploy --model-from image points at this directory');
    assert.equal(config.schemasDir, abs(dest('schemas/')));
    assert.equal(config.metrics.host, '0.0.0.0', 'reachable from outside the container');
  });

  it('copies only files that exist and that the ignore file lets through; the runtime runs dist/, not src/', async () => {
    const names = new Set<string>();
    for (const s of stages) {
      for (const c of copies(s)) {
        if (c.flags.from !== undefined) {
          assert.ok(names.has(c.flags.from), `COPY --from=${c.flags.from} names an earlier stage`);
          continue;
        }
        for (const src of c.sources) {
          assert.ok(existsSync(join(ROOT, src)), `${src} exists`);
          assert.equal(dockerignored(IGNORE, src.replace(/\/$/, '')), false, `${src} is not excluded from the build context`);
        }
      }
      if (s.name !== undefined) names.add(s.name);
    }
    for (const file of ['functions/fraud-scorer/function.yaml', 'functions/fraud-scorer/model.onnx', 'src/cli/main.ts', 'schemas/transaction.avsc', 'package-lock.json']) {
      assert.equal(dockerignored(IGNORE, file), false, `${file} reaches the build`);
    }
    for (const file of ['node_modules/yaml/package.json', 'functions/x/node_modules/y', 'test/unit/a.test.ts', '.git/HEAD', 'dist/index.js']) {
      assert.equal(dockerignored(IGNORE, file), true, `${file} stays out of the build context`);
    }
    assert.ok(!copies(runtime).some((c) => c.sources.some((s) => s.startsWith('src'))), 'no sources in the runtime image');
    // Laid out as in the image (bin/ and dist/, no src/), bin/strobe.js runs the compiled CLI.
    const image = mkdtempSync(join(tmpdir(), 'strobe-image-'));
    mkdirSync(join(image, 'bin'));
    mkdirSync(join(image, 'dist/cli'), { recursive: true });
    copyFileSync(join(ROOT, 'bin/strobe.js'), join(image, 'bin/strobe.js'));
    writeFileSync(join(image, 'package.json'), '{"type":"module"}');
    writeFileSync(join(image, 'dist/cli/main.js'), "process.stdout.write('compiled cli ' + process.argv.slice(2).join(' '));");
    const ran = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(image, 'bin/strobe.js'), 'run'], { timeout: 20_000 }, (err, stdout) => (err === null ? resolve(stdout) : reject(new Error(`bin/strobe.js failed: ${err.message}`))));
    });
    assert.equal(ran, 'compiled cli run');
    const outDir = (JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string } }).compilerOptions.outDir;
    const workdir = all(build, 'WORKDIR').at(-1) ?? '/';
    assert.ok(copies(runtime).some((c) => c.flags.from === 'build' && c.sources.includes(posix.join(workdir, outDir))), 'dist/ comes from the build stage');
  });

  it('starts the strobe CLI: ENTRYPOINT strobe (bin/strobe.js on PATH), CMD run', () => {
    assert.deepEqual(execForm(all(runtime, 'ENTRYPOINT')[0] ?? ''), ['strobe']);
    assert.deepEqual(execForm(all(runtime, 'CMD')[0] ?? ''), [runCommand().name()]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const binDest = copies(runtime).find((c) => c.sources.includes('bin/'))?.dest ?? '';
    const workdir = all(runtime, 'WORKDIR').at(-1) ?? '/';
    const target = posix.join(workdir, binDest, posix.basename(pkg.bin.strobe ?? ''));
    assert.match(all(runtime, 'RUN').join('\n'), new RegExp(`ln -s ${target} /usr/local/bin/strobe`));
    assert.ok((statSync(join(ROOT, 'bin/strobe.js')).mode & 0o111) !== 0, 'bin/strobe.js is executable');
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { buildK8sManifests, isLoopbackUrl, manifestFiles, renderManifests } from '../deploy/k8s-manifests.js';
import type { K8sModelSource, K8sOptions } from '../deploy/k8s-options.js';
import { resolvePartitioning, type PartitioningSource } from '../deploy/topic-partitioning.js';
import { workerAdmin } from '../deploy/worker-admin.js';
import { printError } from './errors-output.js';
import { addWorkerOptions, loadWorkerAndFunctions, type WorkerFlags } from './functions-command.js';

// The Apache Pulsar Helm chart's broker Service for a release named "pulsar" in namespace "pulsar".
const HELM_SERVICE_URL = 'pulsar://pulsar-broker.pulsar.svc.cluster.local:6650';
const HELM_ADMIN_URL = 'http://pulsar-broker.pulsar.svc.cluster.local:8080';

interface K8sFlags extends WorkerFlags {
  image: string;
  imagePullPolicy: string;
  namespace: string;
  clusterServiceUrl?: string;
  clusterAdminUrl?: string;
  minReplicas: string;
  maxReplicas: string;
  backlogThreshold?: string;
  activationThreshold: string;
  pollingInterval: string;
  cooldownPeriod: string;
  partitioned?: boolean;
  partitionedTopics?: string;
  modelFrom: string;
  modelVolume?: string;
  tokenSecret?: string;
  subscriptionJob: boolean;
  out?: string;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'latest';
}

export function deployCommand(): Command {
  return new Command('deploy').description('generate deployment manifests for a function').addCommand(k8sCommand());
}

function k8sCommand(): Command {
  return addWorkerOptions(new Command('k8s'))
    .argument('<function>', 'function to deploy (a directory under the functions directory)')
    .description('Kubernetes Deployment (GPU, probes, config from the function file) and KEDA ScaledObject (pulsar trigger, scale to zero)')
    .option('--image <ref>', 'worker image (built from docker/Dockerfile)', `strobe:${packageVersion()}`)
    .option('--image-pull-policy <policy>', 'Always | IfNotPresent | Never', 'IfNotPresent')
    .option('--namespace <ns>', 'Kubernetes namespace of the objects', 'default')
    .option('--cluster-service-url <url>', `broker URL as seen from pods [--service-url unless loopback, else ${HELM_SERVICE_URL}]`)
    .option('--cluster-admin-url <url>', `admin URL as seen from pods and KEDA [--admin-url unless loopback, else ${HELM_ADMIN_URL}]`)
    .option('--min-replicas <n>', 'KEDA minReplicaCount (0 scales to zero)', '0')
    .option('--max-replicas <n>', 'KEDA maxReplicaCount', '10')
    .option('--backlog-threshold <n>', "KEDA msgBacklogThreshold: target backlog per replica [the function's receiverQueueSize]")
    .option('--activation-threshold <n>', 'KEDA activationMsgBacklogThreshold: scale up from zero above this backlog', '0')
    .option('--polling-interval <s>', 'KEDA pollingInterval, seconds', '30')
    .option('--cooldown-period <s>', 'KEDA cooldownPeriod: seconds without backlog before scaling to zero', '300')
    .option('--partitioned', 'every input topic is partitioned (do not ask the admin API)')
    .option('--no-partitioned', 'no input topic is partitioned (do not ask the admin API)')
    .option('--partitioned-topics <topics>', 'comma-separated inputs that are partitioned, the others are not (do not ask the admin API)')
    .option('--model-from <where>', 'configmap (model in the ConfigMap, up to ~1 MiB) | image (baked by docker/Dockerfile) | volume', 'configmap')
    .option('--model-volume <claim>', 'with --model-from volume: PersistentVolumeClaim holding <function>/<model files>')
    .option('--token-secret <name[:key]>', 'Secret holding the broker JWT (key "token" by default), for the worker and KEDA')
    .option('--no-subscription-job', 'leave out the Job that creates missing subscriptions before KEDA polls them')
    .option('--out <dir>', 'write one file per object into <dir> instead of printing YAML')
    .addHelpText('after', `
Without --partitioned / --no-partitioned / --partitioned-topics, the admin API at --admin-url is asked.
Examples:
  strobe deploy k8s fraud-scorer --no-partitioned | kubectl apply -f -
  strobe deploy k8s fraud-scorer --admin-url http://localhost:8080 --model-from image --out k8s/`)
    .action(async (name: string, flags: K8sFlags) => {
      const loaded = loadWorkerAndFunctions(flags, [name]);
      const fn = loaded?.functions[0];
      if (!loaded || fn === undefined) {
        process.exitCode = 2;
        return;
      }
      const { config } = loaded;
      const notes: string[] = [];
      try {
        const clusterUrl = (explicit: string | undefined, configured: string, fallback: string, what: string): string => {
          if (explicit !== undefined) return explicit;
          if (!isLoopbackUrl(configured)) return configured;
          notes.push(`${what}: ${configured} is loopback, so the manifests use ${fallback} (the Pulsar Helm chart's broker); set --cluster-${what.replace(' ', '-')} to change it`);
          return fallback;
        };
        const options: K8sOptions = {
          image: flags.image,
          imagePullPolicy: oneOf('--image-pull-policy', flags.imagePullPolicy, ['Always', 'IfNotPresent', 'Never'] as const),
          namespace: flags.namespace,
          serviceUrl: clusterUrl(flags.clusterServiceUrl, config.serviceUrl, HELM_SERVICE_URL, 'service url'),
          adminUrl: clusterUrl(flags.clusterAdminUrl, config.adminUrl, HELM_ADMIN_URL, 'admin url'),
          minReplicas: int('--min-replicas', flags.minReplicas),
          maxReplicas: int('--max-replicas', flags.maxReplicas),
          backlogThreshold: flags.backlogThreshold === undefined ? fn.receiverQueueSize : int('--backlog-threshold', flags.backlogThreshold),
          activationThreshold: int('--activation-threshold', flags.activationThreshold),
          pollingInterval: int('--polling-interval', flags.pollingInterval),
          cooldownPeriod: int('--cooldown-period', flags.cooldownPeriod),
          metricsPort: config.metrics.port,
          logLevel: config.logLevel,
          drainTimeoutMs: config.drainTimeoutMs,
          model: modelSource(flags),
          ...(flags.tokenSecret === undefined ? {} : { tokenSecret: secretRef(flags.tokenSecret) }),
          subscriptionJob: flags.subscriptionJob,
        };
        const source: PartitioningSource =
          flags.partitionedTopics !== undefined
            ? { kind: 'listed', topics: flags.partitionedTopics.split(',').map((t) => t.trim()).filter((t) => t !== '') }
            : flags.partitioned !== undefined
              ? { kind: 'all', partitioned: flags.partitioned }
              : { kind: 'admin', admin: workerAdmin(config), adminUrl: config.adminUrl };
        const partitioning = await resolvePartitioning(fn, source);
        const manifests = buildK8sManifests(fn, config.schemasDir, options, partitioning.partitioning);
        for (const w of [...partitioning.warnings, ...manifests.warnings]) process.stderr.write(`warning: ${w}\n`);
        for (const n of notes) process.stderr.write(`note: ${n}\n`);
        const where = fn.inputs.map((t) => `${t} (${partitioning.partitioning[t] === true ? 'partitioned' : 'not partitioned'})`).join(', ');
        if (flags.out === undefined) {
          process.stdout.write(renderManifests(manifests, `Generated by: strobe deploy k8s ${fn.name}\nInputs: ${where}\nNeeds KEDA 2.x; apply with: kubectl apply -f <this file>\n`));
          return;
        }
        mkdirSync(flags.out, { recursive: true });
        for (const [file, text] of Object.entries(manifestFiles(manifests))) {
          writeFileSync(join(flags.out, file), text);
          process.stdout.write(`wrote ${join(flags.out, file)}\n`);
        }
        process.stdout.write(`inputs: ${where}\napply with: kubectl apply -f ${flags.out}\n`);
      } catch (err) {
        printError(err);
        process.exitCode = err instanceof ConfigError ? 2 : 3;
      }
    });
}

function int(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${flag}: "${text}" is not a whole number`, { field: flag });
  return Number(text);
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw new ConfigError(`${flag}: "${text}" is not one of ${allowed.join(', ')}`, { field: flag });
  return found;
}

function modelSource(flags: K8sFlags): K8sModelSource {
  const kind = oneOf('--model-from', flags.modelFrom, ['configmap', 'image', 'volume'] as const);
  if (kind === 'volume') {
    if (flags.modelVolume === undefined) throw new ConfigError('--model-from volume needs --model-volume <PersistentVolumeClaim name>', { field: '--model-volume' });
    return { kind, claimName: flags.modelVolume };
  }
  if (flags.modelVolume !== undefined) throw new ConfigError('--model-volume goes with --model-from volume', { field: '--model-volume' });
  return { kind };
}

function secretRef(text: string): { name: string; key: string } {
  const [name = '', key = 'token'] = text.split(':');
  if (name === '' || key === '') throw new ConfigError(`--token-secret: "${text}" is not <secret name>[:<key>]`, { field: '--token-secret' });
  return { name, key };
}

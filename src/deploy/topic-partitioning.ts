/**
 * Whether a function's input topics are partitioned — KEDA's pulsar trigger must be told
 * (isPartitionedTopic), since it reads /stats or /partitioned-stats accordingly. Asked of the admin API,
 * or given on the command line when the broker cannot be reached from where the manifests are made.
 */
import { AdminError, type PulsarAdmin } from '../client/admin.js';
import { ConfigError, StrobeError } from '../errors.js';
import type { FunctionConfig } from '../config/function-config.js';
import { resolveTopicName } from '../config/topic-names.js';
import type { TopicPartitioning } from './k8s-options.js';
import { partitionCount } from './subscription-lag.js';

export type PartitionAdmin = Pick<PulsarAdmin, 'partitions' | 'topicStats'>;

export type PartitioningSource =
  /** Every input is partitioned (true) or none is (false). */
  | { readonly kind: 'all'; readonly partitioned: boolean }
  /** These inputs (short or full names) are partitioned, the others are not. */
  | { readonly kind: 'listed'; readonly topics: readonly string[] }
  | { readonly kind: 'admin'; readonly admin: PartitionAdmin; readonly adminUrl: string };

export interface PartitioningResult {
  readonly partitioning: TopicPartitioning;
  /** Partition counts when the admin API was asked. */
  readonly partitions: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

export async function resolvePartitioning(fn: FunctionConfig, source: PartitioningSource): Promise<PartitioningResult> {
  const partitioning: Record<string, boolean> = {};
  const partitions: Record<string, number> = {};
  const warnings: string[] = [];
  if (source.kind === 'all') {
    for (const t of fn.inputs) partitioning[t] = source.partitioned;
    return { partitioning, partitions, warnings };
  }
  if (source.kind === 'listed') {
    const listed = new Set<string>();
    for (const name of source.topics) {
      const r = resolveTopicName(name, fn.tenant, fn.namespace);
      if ('problem' in r) throw new ConfigError(`--partitioned-topics: "${name}" is not a valid topic name: ${r.problem}`, { field: 'partitioned-topics' });
      if (!fn.inputs.includes(r.topic)) throw new ConfigError(`--partitioned-topics: ${r.topic} is not an input of ${fn.name} (inputs: ${fn.inputs.join(', ')})`, { field: 'partitioned-topics' });
      listed.add(r.topic);
    }
    for (const t of fn.inputs) partitioning[t] = listed.has(t);
    return { partitioning, partitions, warnings };
  }
  for (const t of fn.inputs) {
    let n: number;
    // A 404 (no such topic) is not a failure here; exists() below tells the user.
    try {
      n = await partitionCount(source.admin, t);
    } catch (e) {
      throw new StrobeError(
        'ADMIN_UNREACHABLE',
        `cannot ask ${source.adminUrl} whether ${t} is partitioned (${(e as Error).message}) — point --admin-url at a reachable admin API, or say it offline with --partitioned, --no-partitioned or --partitioned-topics`,
        { cause: e, retriable: true },
      );
    }
    partitioning[t] = n > 0;
    partitions[t] = n;
    if (n === 0 && !(await exists(source.admin, t))) {
      warnings.push(`${t} does not exist yet: assumed non-partitioned (create it first if it is to be partitioned, then regenerate)`);
    }
  }
  return { partitioning, partitions, warnings };
}

async function exists(admin: PartitionAdmin, topic: string): Promise<boolean> {
  try {
    await admin.topicStats(topic);
    return true;
  } catch (e) {
    if (e instanceof AdminError && e.status === 404) return false;
    throw e;
  }
}

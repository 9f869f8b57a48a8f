import { ConfigError } from '../errors.js';

/** A parsed topic name. `persistent://public/default/orders-partition-3` → partitionIndex 3. */
export interface TopicName {
  readonly domain: 'persistent' | 'non-persistent';
  readonly tenant: string;
  readonly namespace: string;
  /** The local name, including any `-partition-N` suffix. */
  readonly localName: string;
  /** `domain://tenant/namespace/localName` */
  readonly full: string;
  /** Index when this names one partition of a partitioned topic, else -1. */
  readonly partitionIndex: number;
  /** The partitioned topic's full name without `-partition-N` (equal to `full` otherwise). */
  readonly base: string;
}

const PART = /-partition-(\d+)$/;
const SEGMENT = /^[-=:.\w]+$/;

/**
 * Parses a topic in short form (`orders`, resolved in `tenant/namespace`, default `public/default`),
 * `tenant/namespace/orders`, or full form (`persistent://tenant/namespace/orders`).
 */
export function parseTopicName(name: string, defaults: { tenant?: string; namespace?: string } = {}): TopicName {
  const bad = (why: string): never => {
    throw new ConfigError(
      `invalid topic name "${name}": ${why}. Use a short name like "orders", "tenant/namespace/orders", or "persistent://tenant/namespace/orders"`,
      { field: 'topic' },
    );
  };
  if (typeof name !== 'string' || name.trim() === '') bad('it is empty');
  let domain: TopicName['domain'] = 'persistent';
  let rest = name;
  const m = /^([a-z-]+):\/\/(.*)$/.exec(name);
  if (m) {
    if (m[1] !== 'persistent' && m[1] !== 'non-persistent') bad(`domain "${m[1] ?? ''}" is neither persistent nor non-persistent`);
    domain = m[1] as TopicName['domain'];
    rest = m[2] ?? '';
  }
  const parts = rest.split('/');
  let tenant: string;
  let namespace: string;
  let localName: string;
  if (m) {
    if (parts.length !== 3) bad('the full form needs exactly tenant/namespace/topic after "://"');
    [tenant, namespace, localName] = parts as [string, string, string];
  } else if (parts.length === 1) {
    tenant = defaults.tenant ?? 'public';
    namespace = defaults.namespace ?? 'default';
    localName = parts[0] as string;
  } else if (parts.length === 3) {
    [tenant, namespace, localName] = parts as [string, string, string];
  } else {
    return bad('expected "topic", "tenant/namespace/topic" or "persistent://tenant/namespace/topic"');
  }
  for (const [what, seg] of [['tenant', tenant], ['namespace', namespace], ['topic', localName]] as const) {
    if (seg === '') bad(`the ${what} part is empty`);
    if (!SEGMENT.test(seg)) bad(`the ${what} part "${seg}" may only contain letters, digits, and - _ = : .`);
  }
  const full = `${domain}://${tenant}/${namespace}/${localName}`;
  const pm = PART.exec(localName);
  const partitionIndex = pm ? Number(pm[1]) : -1;
  const base = pm ? full.slice(0, full.length - (pm[0]?.length ?? 0)) : full;
  return { domain, tenant, namespace, localName, full, partitionIndex, base };
}

/** Full name of partition `index` of a partitioned topic. */
export function partitionName(topic: string, index: number): string {
  return `${parseTopicName(topic).full}-partition-${index}`;
}

/** REST path segment `persistent/tenant/namespace/topic` used by the admin API. */
export function restPath(topic: string): string {
  const t = parseTopicName(topic);
  return `${t.domain}/${t.tenant}/${t.namespace}/${encodeURIComponent(t.localName)}`;
}

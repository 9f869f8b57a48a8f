/**
 * Topic names as written in function files. Short names resolve in the function's tenant and namespace,
 * as in Pulsar Functions: `transactions` → `persistent://public/default/transactions`.
 */

const SEGMENT = /^[-=:.\w]+$/;
export const TOPIC_NAME_FIX =
  'write a short name like transactions, tenant/namespace/transactions or persistent://tenant/namespace/transactions';

export type TopicResolution = { readonly topic: string } | { readonly problem: string };

/** The full topic name, or the reason `name` is not a valid Pulsar topic name. */
export function resolveTopicName(name: string, tenant: string, namespace: string): TopicResolution {
  const m = /^([a-z-]+):\/\/(.*)$/.exec(name);
  let domain = 'persistent';
  let rest = name;
  if (m !== null) {
    domain = m[1] ?? '';
    rest = m[2] ?? '';
    if (domain !== 'persistent' && domain !== 'non-persistent') {
      return { problem: `the domain "${domain}://" is neither persistent:// nor non-persistent://` };
    }
  }
  const parts = rest.split('/');
  let segments: [string, string, string];
  if (m === null && parts.length === 1) segments = [tenant, namespace, rest];
  else if (parts.length === 3) segments = parts as [string, string, string];
  else {
    return {
      problem:
        m === null
          ? 'a topic name has 1 part (topic) or 3 parts (tenant/namespace/topic)'
          : 'the full form needs exactly tenant/namespace/topic after "://"',
    };
  }
  const labels = ['tenant', 'namespace', 'topic'] as const;
  for (let i = 0; i < 3; i++) {
    const seg = segments[i] ?? '';
    if (seg === '') return { problem: `the ${labels[i] ?? ''} part is empty` };
    if (!SEGMENT.test(seg)) {
      return { problem: `the ${labels[i] ?? ''} part "${seg}" may only contain letters, digits and - _ = : .` };
    }
  }
  return { topic: `${domain}://${segments.join('/')}` };
}

/** Whether `name` is a valid tenant or namespace name. */
export function isValidNameSegment(name: string): boolean {
  return SEGMENT.test(name);
}

/** Small helpers for parsed config objects (plain data from YAML, JSON or the environment). */

export type RawObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path, or undefined. */
export function getPath(obj: RawObject, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Sets the value at a dotted path, creating intermediate objects. */
export function setPath(obj: RawObject, path: string, v: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (isPlainObject(next)) cur = next;
    else {
      const created: RawObject = {};
      cur[key] = created;
      cur = created;
    }
  }
  cur[keys[keys.length - 1] ?? ''] = v;
}

/** `b` over `a`, merging nested objects; arrays and scalars of `b` replace those of `a`. */
export function mergeDeep(a: RawObject, b: RawObject): RawObject {
  const out: RawObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeDeep(prev, v) : v;
  }
  return out;
}

export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

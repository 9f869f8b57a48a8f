/**
 * Reads raw config sections (parsed YAML) into typed values while collecting every problem with its field
 * path and a fix hint, so one validation run reports all mistakes instead of the first.
 */

export interface FieldError {
  /** Dotted path from the file root, e.g. `features[0].columns[2].scaling`. */
  readonly field: string;
  readonly message: string;
  /** What to write instead, when we can tell. */
  readonly hint?: string;
}

/** The result of a section validator: `value` is set only when `errors` is empty. */
export interface Validated<T> {
  readonly value?: T;
  readonly errors: FieldError[];
}

export type RawObject = Readonly<Record<string, unknown>>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${v}`;
  return typeof v;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest allowed word, if it is close enough to be a likely typo. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(word.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound, e.g. a standard deviation must be > 0. */
  readonly above?: number;
  readonly integer?: boolean;
}

export class SpecReader {
  readonly errors: FieldError[] = [];

  error(field: string, message: string, hint?: string): void {
    this.errors.push(hint === undefined ? { field, message } : { field, message, hint });
  }

  /** A mapping, or undefined (with an error) when `raw` is something else. */
  object(raw: unknown, path: string): RawObject | undefined {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as RawObject;
    this.error(path, `expected a mapping, got ${describe(raw)}`);
    return undefined;
  }

  list(raw: unknown, path: string): readonly unknown[] | undefined {
    if (Array.isArray(raw)) return raw as readonly unknown[];
    this.error(path, `expected a list, got ${describe(raw)}`);
    return undefined;
  }

  /** Reports keys that are not in `allowed`, suggesting the nearest allowed key. */
  knownKeys(obj: RawObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const near = closest(key, allowed);
      this.error(
        joinPath(path, key),
        `unknown key "${key}"`,
        near !== undefined ? `did you mean "${near}"?` : `allowed keys: ${allowed.join(', ')}`,
      );
    }
  }

  string(obj: RawObject, key: string, path: string): string | undefined;
  string(obj: RawObject, key: string, path: string, fallback: string): string;
  string(obj: RawObject, key: string, path: string, fallback?: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.error(joinPath(path, key), 'is required');
      return fallback;
    }
    if (typeof v === 'string' && v.length > 0) return v;
    this.error(joinPath(path, key), `expected a non-empty string, got ${describe(v)}`);
    return fallback;
  }

  optionalString(obj: RawObject, key: string, path: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    this.error(joinPath(path, key), `expected a non-empty string, got ${describe(v)}`);
    return undefined;
  }

  /** One of `choices`; `fallback` when absent (required when no fallback is given). */
  oneOf<T extends string>(obj: RawObject, key: string, path: string, choices: readonly T[], fallback?: T): T | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.error(joinPath(path, key), 'is required', `one of: ${choices.join(', ')}`);
      return fallback;
    }
    if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
    const near = typeof v === 'string' ? closest(v, choices) : undefined;
    this.error(
      joinPath(path, key),
      `${describe(v)} is not one of ${choices.join(', ')}`,
      near !== undefined ? `did you mean "${near}"?` : undefined,
    );
    return fallback;
  }

  number(obj: RawObject, key: string, path: string, rule: NumberRule & { default?: number } = {}): number | undefined {
    const v = obj[key];
    const field = joinPath(path, key);
    if (v === undefined || v === null) {
      if (rule.default === undefined) this.error(field, 'is required');
      return rule.default;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.error(field, `expected a finite number, got ${describe(v)}`);
      return rule.default;
    }
    if (rule.integer === true && !Number.isInteger(v)) this.error(field, `expected an integer, got ${v}`);
    else if (rule.min !== undefined && v < rule.min) this.error(field, `must be >= ${rule.min}, got ${v}`);
    else if (rule.max !== undefined && v > rule.max) this.error(field, `must be <= ${rule.max}, got ${v}`);
    else if (rule.above !== undefined && v <= rule.above) this.error(field, `must be > ${rule.above}, got ${v}`);
    else return v;
    return rule.default;
  }

  boolean(obj: RawObject, key: string, path: string, fallback: boolean): boolean {
    const v = obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    this.error(joinPath(path, key), `expected true or false, got ${describe(v)}`);
    return fallback;
  }

  /** A non-empty list of distinct non-empty strings. */
  stringList(raw: unknown, field: string): string[] | undefined {
    const list = this.list(raw, field);
    if (list === undefined) return undefined;
    if (list.length === 0) {
      this.error(field, 'must not be empty');
      return undefined;
    }
    const seen = new Set<string>();
    const out: string[] = [];
    let ok = true;
    list.forEach((item, i) => {
      const s = typeof item === 'number' || typeof item === 'boolean' ? String(item) : item;
      if (typeof s !== 'string' || s.length === 0) {
        this.error(joinPath(field, i), `expected a non-empty string, got ${describe(item)}`);
        ok = false;
      } else if (seen.has(s)) {
        this.error(joinPath(field, i), `duplicate entry "${s}"`, 'each entry may appear once');
        ok = false;
      } else {
        seen.add(s);
        out.push(s);
      }
    });
    return ok ? out : undefined;
  }

  result<T>(value: T | undefined): Validated<T> {
    if (this.errors.length > 0 || value === undefined) return { errors: this.errors };
    return { value, errors: this.errors };
  }
}

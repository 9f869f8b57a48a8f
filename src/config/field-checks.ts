/**
 * Value checks shared by the worker and function config schemas. Each check is a convict `format`
 * function: it throws a FieldProblem whose message says what is expected and whose `fix` says what to
 * write instead, so errors can name the file, the field and the fix.
 */
import { parseByteSize } from './byte-size.js';

export class FieldProblem extends Error {
  readonly fix: string | undefined;
  constructor(message: string, fix?: string) {
    super(message);
    this.name = 'FieldProblem';
    this.fix = fix;
  }
}

/** A convict format function; throws FieldProblem. */
export type Check = (value: unknown) => void;

/** How a value looks in an error message: strings quoted, mappings and lists named. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}

export interface IntegerRule {
  readonly min?: number;
  readonly max?: number;
  /** What the number counts, for the fix: "milliseconds", "events". */
  readonly unit?: string;
  readonly example?: number;
}

export function integer(rule: IntegerRule = {}): Check {
  const { min, max } = rule;
  const range =
    min !== undefined && max !== undefined
      ? ` between ${min} and ${max}`
      : min !== undefined
        ? ` >= ${min}`
        : max !== undefined
          ? ` <= ${max}`
          : '';
  const fix = `write a ${rule.unit === undefined ? 'whole number' : `number of ${rule.unit}`}, e.g. ${rule.example ?? min ?? 0}`;
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldProblem(`must be an integer${range}`, fix);
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      throw new FieldProblem(`must be an integer${range}`, fix);
    }
  };
}

export function positiveNumber(example: number): Check {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new FieldProblem('must be a number > 0', `write a number, e.g. ${example}`);
    }
  };
}

export function boolean(): Check {
  return (v) => {
    if (typeof v !== 'boolean') throw new FieldProblem('must be true or false', 'write true or false without quotes');
  };
}

export function oneOf(choices: readonly string[], explain: Readonly<Record<string, string>> = {}): Check {
  return (v) => {
    if (typeof v === 'string' && choices.includes(v)) return;
    if (typeof v === 'string' && explain[v] !== undefined) throw new FieldProblem(explain[v]);
    const near = typeof v === 'string' ? closestName(v, choices) : undefined;
    throw new FieldProblem(
      `must be one of ${choices.join(', ')}`,
      near !== undefined ? `did you mean ${near}?` : `write one of ${choices.join(', ')}`,
    );
  };
}

export function nonEmptyString(example: string): Check {
  return (v) => {
    if (typeof v !== 'string' || v.trim() === '') {
      throw new FieldProblem('must be a non-empty string', `write e.g. ${example}`);
    }
  };
}

/** A URL whose scheme is one of `protocols` (without the colon). */
export function url(protocols: readonly string[], example: string): Check {
  return (v) => {
    const fix = `write a URL like ${example}`;
    if (typeof v !== 'string') throw new FieldProblem(`must be a ${protocols.join(' or ')} URL`, fix);
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      throw new FieldProblem(`must be a ${protocols.join(' or ')} URL`, fix);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new FieldProblem(`must use the scheme ${protocols.map((p) => `${p}://`).join(' or ')}`, fix);
    }
    if (parsed.hostname === '') throw new FieldProblem('must name a host', fix);
  };
}

/** A byte size: a whole number of bytes, or a string such as "4MiB", "512KiB", "1GB". */
export function byteSize(example: string): Check {
  return (v) => {
    if (parseByteSize(v) === undefined) {
      throw new FieldProblem(
        'must be a size in bytes',
        `write a number of bytes or a size with a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. ${example}`,
      );
    }
  };
}

/** A mapping (plain object); the section's own validator looks inside. */
export function mapping(example: string): Check {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new FieldProblem('must be a mapping', `write e.g. ${example}`);
    }
  };
}

/** Any value; the section's own validator (hook) checks it. */
export function anything(): Check {
  return () => undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0;
      row[j] = Math.min(up + 1, (row[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] ?? 0;
}

/** The known name closest to `word`, when it is close enough to be a typo (case-insensitive). */
export function closestName(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * The `features`, `outputs` and `model` sections of a function file are specified by the features and
 * inference modules, which export their own validators. The function config calls them through this
 * hook, so each module owns its section and the function config owns the file, the paths and the rules
 * that cross sections.
 */

/** One problem inside a section; `field` is the full dotted path from the file root. */
export interface SectionError {
  readonly field: string;
  readonly message: string;
  readonly hint?: string;
}

/** `value` is set only when `errors` is empty. */
export interface SectionResult<T> {
  readonly value?: T;
  readonly errors: readonly SectionError[];
}

export interface SectionContext {
  /** Absolute directory of the function file; relative paths in the section resolve against it. */
  readonly functionDir: string;
  /** The function's batching mode: `key` mode allows sequence features. */
  readonly mode: 'event' | 'key';
}

export type SectionValidator<T> = (raw: unknown, path: string, context: SectionContext) => SectionResult<T>;

export interface SectionValidators<F = unknown, O = unknown, M = unknown> {
  readonly features: SectionValidator<F>;
  readonly outputs: SectionValidator<O>;
  readonly model: SectionValidator<M>;
}

function shapeOnly(kind: 'list' | 'mapping'): SectionValidator<unknown> {
  return (raw, path) => {
    const ok = kind === 'list' ? Array.isArray(raw) : typeof raw === 'object' && raw !== null && !Array.isArray(raw);
    return ok ? { value: raw, errors: [] } : { errors: [{ field: path, message: `must be a ${kind}` }] };
  };
}

/** Checks only the shape of each section; for tools that read a function file without its model stack. */
export const shapeOnlyValidators: SectionValidators = {
  features: shapeOnly('list'),
  outputs: shapeOnly('mapping'),
  model: shapeOnly('mapping'),
};

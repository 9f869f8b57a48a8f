/**
 * Entity key templates such as `merchant:{merchant_id}` or `pair:{card_id}:{merchant_id}`: literal text
 * with `{field}` placeholders filled from record fields (dotted for nested records).
 */

export type ParsedTemplate = { readonly parts: readonly string[]; readonly fields: readonly string[] } | { readonly problem: string };

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `parts` interleave with `fields`: parts[0] fields[0] parts[1] ... parts[n]. */
export function parseKeyTemplate(template: string): ParsedTemplate {
  const parts: string[] = [];
  const fields: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0) return { problem: `"${template}" has a } without {` };
      parts.push(rest);
      break;
    }
    if (close < 0) return { problem: `"${template}" has a { without }` };
    if (close < open) return { problem: `"${template}" has a } without {` };
    const field = rest.slice(open + 1, close);
    if (!FIELD.test(field)) return { problem: `"{${field}}" in "${template}" is not a record field name` };
    parts.push(rest.slice(0, open));
    fields.push(field);
    rest = rest.slice(close + 1);
  }
  if (fields.length === 0) return { problem: `"${template}" takes no record field, so every record would share one entity` };
  return { parts, fields };
}

/** Reads a scalar record field (dotted path) as a key part; undefined when absent or not a scalar. */
export function keyPart(record: unknown, path: readonly string[]): string | undefined {
  let v: unknown = record;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A compiled template: record → entity key, or undefined when a field is absent. */
export function compileKeyTemplate(template: string): (record: unknown) => string | undefined {
  const parsed = parseKeyTemplate(template);
  if ('problem' in parsed) throw new RangeError(parsed.problem);
  const { parts } = parsed;
  const paths = parsed.fields.map((f) => f.split('.'));
  return (record) => {
    let out = parts[0] ?? '';
    for (let i = 0; i < paths.length; i++) {
      const v = keyPart(record, paths[i] ?? []);
      if (v === undefined) return undefined;
      out += v + (parts[i + 1] ?? '');
    }
    return out;
  };
}

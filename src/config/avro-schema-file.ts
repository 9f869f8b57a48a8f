/**
 * Finds and parses the Avro schema files a function names, and checks that a key field exists in the
 * input schema. Only the parsing is done here; encoding and decoding belong to src/schema.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import avro from 'avsc';
import type { ConfigIssue } from './config-schema.js';

export interface AvroSchemaFile {
  /** Absolute path of the .avsc file. */
  readonly path: string;
  /** The schema as JSON, as read from the file. */
  readonly schema: unknown;
  /** Full name of the top-level named type (e.g. `strobe.examples.Transaction`), if any. */
  readonly name: string | undefined;
}

/** The file in `functionDir`, else in `schemasDir`; an issue when neither exists or the file is not Avro. */
export function readAvroSchemaFile(
  field: string,
  name: string,
  functionDir: string,
  schemasDir: string,
  issues: ConfigIssue[],
): { file: AvroSchemaFile; type: avro.Type } | undefined {
  const candidates = [join(functionDir, name), join(schemasDir, name)];
  const path = candidates.find((c) => existsSync(c));
  if (path === undefined) {
    const where = candidates.map((c) => relative(process.cwd(), c) || c).join(' or ');
    issues.push({ field, message: `schema file "${name}" not found (looked for ${where})`, fix: `add the .avsc file to ${relative(process.cwd(), schemasDir) || schemasDir}/, or fix the name` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    issues.push({ field, message: `${path} is not valid JSON: ${(e as Error).message}`, fix: 'an .avsc file holds an Avro schema in JSON' });
    return undefined;
  }
  try {
    const type = avro.Type.forSchema(json as avro.Schema);
    return { file: { path, schema: json, name: type.name }, type };
  } catch (e) {
    issues.push({ field, message: `${path} is not a valid Avro schema: ${(e as Error).message}`, fix: 'see the Avro specification for schema declarations' });
    return undefined;
  }
}

const KEY_TYPES = new Set(['string', 'int', 'long', 'enum', 'boolean', 'float', 'double', 'bytes', 'fixed']);

/** The type of a (dotted) field of a record type, or why there is none. */
export function findField(root: avro.Type, dotted: string): { type: avro.Type } | { problem: string; fix: string } {
  let type: avro.Type = root;
  const parts = dotted.split('.');
  for (const [i, part] of parts.entries()) {
    const record = recordOf(type);
    const found = record?.fields.find((f) => f.name === part);
    if (found === undefined) {
      const at = parts.slice(0, i).join('.');
      const names = record?.fields.map((f) => f.name) ?? [];
      return {
        problem: `"${dotted}" is not a field of ${root.name ?? 'the schema'}${at === '' ? '' : ` (no "${part}" in ${at})`}`,
        fix: names.length > 0 ? `use one of: ${names.join(', ')}` : `${at} is not a record`,
      };
    }
    type = found.type;
  }
  return { type };
}

/** Reports a key field that is missing from the input schema or is not a scalar. */
export function checkKeyField(field: string, key: string, input: avro.Type, issues: ConfigIssue[]): void {
  const found = findField(input, key);
  if ('problem' in found) {
    issues.push({ field, message: found.problem, fix: found.fix });
    return;
  }
  if (scalarOf(found.type) === undefined) {
    issues.push({ field, message: `"${key}" is a ${found.type.typeName}, not a scalar value`, fix: 'key on a string or number field' });
  }
}

function recordOf(t: avro.Type | undefined): avro.types.RecordType | undefined {
  if (t === undefined) return undefined;
  if (t.typeName === 'record' || t.typeName === 'error') return t as avro.types.RecordType;
  if (t.typeName.startsWith('union')) return (t as avro.types.UnwrappedUnionType).types.map(recordOf).find((r) => r !== undefined);
  return undefined;
}

function scalarOf(t: avro.Type): avro.Type | undefined {
  if (KEY_TYPES.has(t.typeName) || t.typeName.startsWith('logical')) return t;
  if (t.typeName.startsWith('union')) {
    const branches = (t as avro.types.UnwrappedUnionType).types.filter((b) => b.typeName !== 'null');
    return branches.length === 1 && branches[0] !== undefined ? scalarOf(branches[0]) : undefined;
  }
  return undefined;
}

/**
 * Reading function files: YAML with line-numbered syntax errors, and `include:` — other YAML files in
 * the function directory whose top-level fields join the function's own (e.g. the features.yaml that
 * model training writes next to model.onnx, so retraining never means hand-copying constants).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { isPlainObject, joinField, type ConfigIssue, type RawObject } from './config-schema.js';

export interface ParsedFile {
  readonly value?: unknown;
  readonly issues: ConfigIssue[];
}

export function readYaml(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { issues: [{ field: '(file)', message: `cannot read: ${(e as Error).message}` }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        field: e.linePos === undefined ? '(file)' : `line ${e.linePos[0].line}`,
        message: `not valid YAML: ${e.message.split('\n')[0] ?? e.message}`,
        fix: 'check indentation, colons and quotes near that line',
      })),
    };
  }
  return { value: doc.toJS() as unknown, issues: [] };
}

export interface MergedFunctionFile {
  /** The function's fields with the included ones merged in; undefined when a file could not be read. */
  readonly value?: RawObject;
  /** Top-level field → absolute path of the included file it came from. */
  readonly origins: Readonly<Record<string, string>>;
  /** Problems, each with the absolute path of the file it is in. */
  readonly issues: readonly { readonly file: string; readonly issue: ConfigIssue }[];
  /** Absolute paths of the included files. */
  readonly includes: readonly string[];
}

/** Reads function.yaml and the files it includes. */
export function readFunctionFile(file: string, dir: string): MergedFunctionFile {
  const main = readYaml(file);
  const issues: { file: string; issue: ConfigIssue }[] = main.issues.map((issue) => ({ file, issue }));
  if (main.value === undefined || !isPlainObject(main.value)) return { ...(isPlainObject(main.value) ? {} : { value: main.value as RawObject }), origins: {}, issues, includes: [] };
  const value: RawObject = { ...main.value };
  const origins: Record<string, string> = {};
  const includes: string[] = [];
  const list = value.include;
  if (list === undefined || list === null) return { value, origins, issues, includes };
  const items: readonly unknown[] = typeof list === 'string' ? [list] : Array.isArray(list) ? (list as unknown[]) : [];
  const names = items.filter((n): n is string => typeof n === 'string' && n !== '');
  // A bad value is reported by the schema check; nothing to merge then.
  if (names.length !== items.length) return { value, origins, issues, includes };
  names.forEach((name, i) => {
    const field = joinField('include', i);
    const path = isAbsolute(name) ? name : join(dir, name);
    if (!existsSync(path)) {
      issues.push({ file, issue: { field, message: `included file ${name} does not exist`, fix: 'write the path relative to the function directory, or re-run the script that generates it' } });
      return;
    }
    const inc = readYaml(path);
    issues.push(...inc.issues.map((issue) => ({ file: path, issue })));
    if (inc.value === undefined) return;
    if (!isPlainObject(inc.value)) {
      issues.push({ file: path, issue: { field: '(root)', message: 'an included file must be a mapping of function fields', fix: 'e.g. "features: [...]" and "outputs: {...}" at the top level' } });
      return;
    }
    includes.push(path);
    for (const [key, v] of Object.entries(inc.value)) {
      if (key === 'include') {
        issues.push({ file: path, issue: { field: 'include', message: 'included files cannot include others', fix: `list every file in ${file}'s include` } });
      } else if (key in value) {
        const other = origins[key] ?? file;
        issues.push({ file: path, issue: { field: key, message: `is also set in ${other}`, fix: 'keep it in one file' } });
      } else {
        value[key] = v;
        origins[key] = path;
      }
    }
  });
  return { value, origins, issues, includes };
}

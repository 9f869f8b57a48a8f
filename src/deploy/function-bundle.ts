/**
 * The files a function needs at run time, gathered for a Kubernetes ConfigMap: its directory (function.yaml,
 * included files, vocabularies, schemas kept there, and — when the model travels in the ConfigMap — the
 * model) and the shared Avro schemas it uses, each kept where the worker looks for it. When the model comes from the image or a volume instead, `model.path` is rewritten to where
 * the pod finds it, in whichever file sets `model:`, keeping the file's comments.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import type { FunctionConfig } from '../config/function-config.js';
import { readFunctionFile } from '../config/function-file.js';

/** Where the model file(s) come from in the pod. */
export type ModelSource =
  | { readonly kind: 'configmap' }
  /** Baked into the image under `<functionsDir>/<name>/` (docker/Dockerfile copies functions/). */
  | { readonly kind: 'image'; readonly functionsDir: string }
  /** A volume mounted at `mountPath` whose root holds the files at the same paths as the function directory. */
  | { readonly kind: 'volume'; readonly mountPath: string };

export interface BundleFile {
  /** Relative path (POSIX) below the directory it is mounted in. */
  readonly path: string;
  readonly content: Buffer;
}

export interface FunctionBundle {
  /** Mounted as the function's directory. */
  readonly functionFiles: readonly BundleFile[];
  /** Mounted as the shared schemas directory. */
  readonly schemaFiles: readonly BundleFile[];
  /** Model files relative to the function directory (what the image or volume must hold otherwise). */
  readonly modelFiles: readonly string[];
  /** The model path the pod's config names (as written when the model is in the ConfigMap). */
  readonly podModelPath: string;
}

/** Collects a function's run-time files. @throws ConfigError naming the file and the fix. */
export function collectFunctionBundle(fn: FunctionConfig, schemasDir: string, source: ModelSource): FunctionBundle {
  const read = readFunctionFile(fn.file, fn.dir);
  if (read.value === undefined || read.issues.length > 0) {
    throw new ConfigError(`${fn.file}: cannot be read again for the manifests`, { file: fn.file });
  }
  const modelFile = read.origins.model ?? fn.file;
  // An absolute model.path outside the ConfigMap is the user's to provide; nothing to list or ship.
  const modelFiles = source.kind !== 'configmap' && isAbsolute(fn.model.path) ? [] : listModelFiles(fn);
  const podModelPath = podPath(fn, source);

  // Every file of the function directory: function.yaml reaches others by relative path (includes,
  // vocabularyFile, schemas, the model), so the pod gets the directory as it is — minus the model when
  // the image or a volume brings it.
  const functionFiles = new Map<string, Buffer>();
  const shipped = new Set(source.kind === 'configmap' ? [] : modelFiles);
  for (const abs of walk(fn.dir)) {
    const rel = inside(fn.dir, abs, 'function');
    if (!shipped.has(rel)) functionFiles.set(rel, readFileSync(abs));
  }
  if (podModelPath !== fn.model.path) {
    const rel = inside(fn.dir, modelFile, 'function');
    functionFiles.set(rel, Buffer.from(rewriteModelPath(readFileSync(modelFile, 'utf8'), podModelPath), 'utf8'));
  }

  const schemaFiles = new Map<string, Buffer>();
  for (const schema of [fn.schemas.input, fn.schemas.output]) {
    // The worker looks in the function directory first (shipped above), then in the schemas directory.
    if (!isUnder(fn.dir, schema.path)) schemaFiles.set(inside(schemasDir, schema.path, 'schemas'), readFileSync(schema.path));
  }
  const list = (m: Map<string, Buffer>): BundleFile[] => [...m].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
  return { functionFiles: list(functionFiles), schemaFiles: list(schemaFiles), modelFiles, podModelPath };
}

/** The model file(s) relative to the function directory: one file, a TF.js model.json with its weight shards, or a directory's files. */
export function listModelFiles(fn: FunctionConfig): string[] {
  const abs = resolve(fn.dir, fn.model.path);
  if (!existsSync(abs)) throw new ConfigError(`${fn.file}: model.path ${fn.model.path} does not exist`, { file: fn.file, field: 'model.path' });
  let files: string[];
  if (statSync(abs).isDirectory()) files = walk(abs);
  else if (fn.model.backend === 'tfjs' && abs.endsWith('.json')) files = [abs, ...weightFiles(abs)];
  else files = [abs];
  return files.map((f) => inside(fn.dir, f, 'function', 'model.path')).sort();
}

function weightFiles(modelJson: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(modelJson, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${modelJson}: not valid JSON (${(e as Error).message})`, { file: modelJson, field: 'model.path' });
  }
  const manifest = (parsed as { weightsManifest?: unknown }).weightsManifest;
  const out: string[] = [];
  if (!Array.isArray(manifest)) return out;
  for (const group of manifest as unknown[]) {
    const paths = (group as { paths?: unknown }).paths;
    if (Array.isArray(paths)) for (const p of paths) if (typeof p === 'string') out.push(resolve(dirname(modelJson), p));
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function podPath(fn: FunctionConfig, source: ModelSource): string {
  if (source.kind === 'configmap' || isAbsolute(fn.model.path)) return fn.model.path;
  const rel = fn.model.path.split(sep).join('/');
  return source.kind === 'image' ? posix.join(source.functionsDir, fn.name, rel) : posix.join(source.mountPath, rel);
}

/** function.yaml (or an included file) with `model.path` replaced; comments and layout stay. */
export function rewriteModelPath(yamlText: string, path: string): string {
  const doc = parseDocument(yamlText);
  if (!doc.hasIn(['model', 'path'])) throw new ConfigError('the file that sets model: has no model.path', { field: 'model.path' });
  doc.setIn(['model', 'path'], path);
  return doc.toString();
}

function isUnder(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** `file` relative to `dir` in POSIX form; refuses files outside it (a ConfigMap item path cannot hold ".."). */
function inside(dir: string, file: string, what: string, field?: string): string {
  if (!isUnder(dir, file)) {
    throw new ConfigError(
      `${file} is outside the ${what} directory ${dir}, so it cannot be mounted there` +
        (field === 'model.path' ? ' — use --model-from image or --model-from volume' : ' — move it into the directory'),
      { file, ...(field === undefined ? {} : { field }) },
    );
  }
  return relative(dir, file).split(sep).join('/');
}

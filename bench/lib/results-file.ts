import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results/ in the project. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** `YYYY-MM-DD` of a date, in UTC. */
export function dateStamp(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}

/** Writes bench/results/<name>-<date>[-<tag>].json and .md; returns both paths. */
export function writeResults(name: string, json: unknown, markdown: string, opts: { at?: Date; tag?: string } = {}): { json: string; md: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const tag = opts.tag === undefined || opts.tag === '' ? '' : `-${opts.tag.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const base = join(RESULTS_DIR, `${name}-${dateStamp(opts.at)}${tag}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { json: `${base}.json`, md: `${base}.md` };
}

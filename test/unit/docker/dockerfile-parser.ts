// A small Dockerfile reader for static checks: instructions with line continuations joined, comments
// dropped, stages split at FROM with ARG defaults substituted, and the argument forms of the
// instructions the checks read (ENV pairs, COPY flags/sources/destination, exec-form JSON arrays).
// Plus a .dockerignore matcher (Go filepath.Match-style globs with **, later rules win, ! re-includes).

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  let buf = '';
  let start = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (buf !== '' && line.trimStart().startsWith('#')) continue; // comments inside a continued instruction
    if (buf === '') start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      continue;
    }
    buf += line;
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(buf);
    if (m !== null) out.push({ keyword: (m[1] ?? '').toUpperCase(), args: (m[2] ?? '').replace(/\s+/g, ' ').trim(), line: start });
    buf = '';
  }
  return out;
}

/** Stages, with `${ARG}` in FROM replaced by the defaults of ARGs declared before the first FROM. */
export function parseStages(text: string): { globalArgs: Record<string, string>; stages: Stage[] } {
  const globalArgs: Record<string, string> = {};
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const parts = ins.args.split(' ').filter((p) => !p.startsWith('--'));
      const image = (parts[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_, v: string) => globalArgs[v] ?? '');
      const name = parts[1]?.toUpperCase() === 'AS' ? parts[2] : undefined;
      stages.push({ image, name, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [k, v] = ins.args.split('=');
        if (k !== undefined && v !== undefined) globalArgs[k] = v;
      }
    } else {
      stages[stages.length - 1]?.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** `ENV A=1 B="two words"` (and the legacy `ENV A 1`) as pairs. */
export function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!args.includes('=')) {
    const [k, ...rest] = args.split(' ');
    if (k !== undefined) out[k] = rest.join(' ');
    return out;
  }
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|'([^']*)'|(\S*))/g)) {
    const key = m[1];
    if (key !== undefined) out[key] = m[3] ?? m[4] ?? m[5] ?? '';
  }
  return out;
}

export interface CopyArgs {
  readonly flags: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  readonly dest: string;
}

export function copyArgs(args: string): CopyArgs {
  const words = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.split(' ');
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  for (const w of words) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(w);
    if (m !== null && rest.length === 0) flags[m[1] ?? ''] = m[2] ?? 'true';
    else rest.push(w);
  }
  return { flags, sources: rest.slice(0, -1), dest: rest[rest.length - 1] ?? '' };
}

/** Exec form (`["a", "b"]`) as a list; undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[')) return undefined;
  const v = JSON.parse(t) as unknown;
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

/** HEALTHCHECK options and its command. */
export function healthcheck(args: string): { options: Record<string, string>; command: string } {
  const options: Record<string, string> = {};
  let rest = args.trim();
  for (;;) {
    const m = /^--([\w-]+)=(\S+)\s+/.exec(rest);
    if (m === null) break;
    options[m[1] ?? ''] = m[2] ?? '';
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+([\s\S]*)$/i.exec(rest);
  return { options, command: cmd?.[1] ?? rest };
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? '';
    if (c === '*' && p[i + 1] === '*') {
      re += '.*';
      i++;
      if (p[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether a context-relative path is excluded; a rule on a directory covers everything below it. */
export function dockerignored(rules: readonly string[], path: string): boolean {
  const parts = path.replace(/^\.\//, '').split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const raw of rules) {
    const rule = raw.trim();
    if (rule === '' || rule.startsWith('#')) continue;
    const negate = rule.startsWith('!');
    const re = globToRegExp(negate ? rule.slice(1) : rule);
    if (prefixes.some((p) => re.test(p))) excluded = !negate;
  }
  return excluded;
}

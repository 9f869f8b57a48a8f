#!/usr/bin/env node
// The `strobe` command. In a source checkout (src/ present) it runs the TypeScript sources through tsx, so
// it never runs a stale build; an installed package runs the compiled dist/.
import { existsSync } from 'node:fs';

const src = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(src.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}

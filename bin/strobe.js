#!/usr/bin/env node
// The `strobe` command. Runs the compiled dist/ when it is at least as new as every source file (npm ci
// builds it; `npm run build` refreshes it), else the TypeScript sources through tsx, so a checkout never
// runs a stale build. dist/ matters for speed: tsx's transform costs the producer path about 2x CPU
// (bench/results/client-throughput-2026-11-26.md).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const distMain = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const hasSrc = existsSync(srcDir);
const distFresh = existsSync(distMain) && (!hasSrc || statSync(distMain).mtimeMs >= newestMtime(srcDir));
if (distFresh || !hasSrc) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}

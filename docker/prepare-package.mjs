#!/usr/bin/env node
// Adapts package.json for the image build, in the build stage only (the repository's file is unchanged):
//  - install-script policy ("allowScripts"): run @tensorflow/tfjs-node-gpu's script, which downloads
//    libtensorflow (GPU build) and the Node binding; skip @tensorflow/tfjs-node's, whose CPU libtensorflow
//    the image does not need (tfjs-node-gpu runs on the CPU too). npm 11.19 runs the scripts of packages
//    it finds in neither list with a notice, and refuses them under --strict-allow-scripts; it rejects
//    --allow-scripts on the command line of a project install, so the policy has to be in package.json;
//  - drop the "prepare" script, so `npm ci` can run before the sources are copied (layer caching); the
//    Dockerfile runs `npm run build` itself.
// Usage: node docker/prepare-package.mjs package.json
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const IMAGE_SCRIPT_POLICY = { '@tensorflow/tfjs-node-gpu': true, '@tensorflow/tfjs-node': false };

export function preparePackage(pkg) {
  const out = structuredClone(pkg);
  out.allowScripts = { ...(out.allowScripts ?? {}), ...IMAGE_SCRIPT_POLICY };
  if (out.scripts !== undefined) delete out.scripts.prepare;
  return out;
}

// Run as a script (not when a test imports it).
const file = process.argv[2];
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && file !== undefined) {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify(preparePackage(pkg), null, 2)}\n`);
}

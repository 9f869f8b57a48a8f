// Regenerates docs/config-reference.md from the config schemas: npx tsx scripts/gen-config-docs.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from '../src/config/config-reference.js';

const target = fileURLToPath(new URL('../docs/config-reference.md', import.meta.url));
writeFileSync(target, renderConfigReference());
process.stdout.write(`wrote ${target}\n`);

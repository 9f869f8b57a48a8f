import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrobeError } from '../../src/errors.js';

/**
 * Compiles a bench worker and what it imports with the project's tsc, as `npm run build` would, into
 * node_modules/.cache/strobe-bench (inside the project, so its packages still resolve). Benchmarks run the
 * output with plain `node`: under tsx every closure is wrapped in esbuild's `__name` helper (keepNames),
 * which costs hot paths that create closures per message several percent and is not how Strobe ships.
 * Returns the compiled entry (.js).
 */
export function compileWorker(projectRoot: string, entry: string): string {
  const outDir = join(projectRoot, 'node_modules', '.cache', 'strobe-bench');
  mkdirSync(outDir, { recursive: true });
  // node_modules ends the search for a package.json, so the output needs its own to be ESM.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  const tsconfig = join(outDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: join(projectRoot, 'tsconfig.json'),
        compilerOptions: { noEmit: false, outDir, rootDir: projectRoot, sourceMap: false, declaration: false, incremental: false },
        files: [entry],
        // Ambient declarations (e.g. src/wire/vendor.d.ts for untyped packages) are not reached by imports.
        include: [join(projectRoot, 'src', '**', '*.d.ts')],
      },
      null,
      2,
    ),
  );
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8', cwd: projectRoot });
  const rel = entry.slice(projectRoot.length).replace(/^\/+/, '').replace(/\.ts$/, '.js');
  const out = join(outDir, rel);
  if (!existsSync(out)) {
    throw new StrobeError('BENCH_COMPILE_FAILED', `tsc did not emit ${out} (exit ${String(r.status)}): ${(r.stdout ?? '').slice(0, 2000)}`);
  }
  if (r.status !== 0) {
    // Type errors elsewhere in the tree (work in progress) do not stop tsc emitting; say so and go on.
    process.stderr.write(`compile-worker: tsc reported errors but emitted ${out}:\n${(r.stdout ?? '').split('\n').slice(0, 5).join('\n')}\n`);
  }
  return out;
}

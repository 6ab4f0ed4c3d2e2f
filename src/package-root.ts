/**
 * Where crilab's own files are (scenarios/, proto/, test/scenario/goldens/, package.json),
 * found by walking up from the running module to the package.json named crilab. The code runs
 * from src/ (tsx, vitest), from dist/<dir>/ (tsc's output) and from dist/bundle/ (the CLI's
 * bundle), so a fixed number of `..` would be right for only some of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let d = from; ; ) {
    const pj = join(d, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown }).name === 'crilab') return d;
      } catch {
        // Not JSON (or unreadable): not ours; keep looking.
      }
    }
    const up = dirname(d);
    if (up === d) throw new Error(`crilab: cannot find crilab's package.json above ${from}`);
    d = up;
  }
}

/** The directory holding crilab's package.json. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The bundled scenarios, numbered in teaching order. */
export const BUNDLED_SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');

/** Where the bundled scenarios' goldens live. */
export const DEFAULT_GOLDENS_DIR = join(PACKAGE_ROOT, 'test/scenario/goldens');

/** Titles of the bundled scenarios, written by the build (src/scenario/catalog-index.ts says why). */
export const SCENARIO_INDEX_PATH = join(PACKAGE_ROOT, 'dist/scenario-index.json');

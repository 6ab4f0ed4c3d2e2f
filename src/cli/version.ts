import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** crilab's version, from package.json (src/cli → ../../package.json, also from dist/cli). */
export function crilabVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const pkg = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

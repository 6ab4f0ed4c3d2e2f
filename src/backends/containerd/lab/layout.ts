/** Creating the lab dir, and deciding whether a directory is one the lab may use or delete. */
import fs from 'node:fs';
import path from 'node:path';
import type { LabPaths } from './paths.js';

/** Top-level names the lab creates in its directory. */
const LAYOUT_NAMES = new Set([
  'lab.json',
  'lab.json.tmp',
  'logs',
  'config.toml',
  'root',
  's',
  'opt',
  'containerd.sock',
  'containerd.sock.ttrpc',
  'debug.sock',
  'containerd.pid',
  'runc',
  'fifo',
  'certs.d',
  'cni',
  'registry',
  'registry.pid',
  'images',
]);

const NEVER = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/run', '/var/tmp']);

/** Why the lab must not use (or delete) this directory, or undefined when it may. */
export function labDirProblem(dir: string): string | undefined {
  const d = path.resolve(dir);
  if (NEVER.has(d) || d.split('/').filter(Boolean).length < 2) {
    return `${d} is a system directory; the lab needs a directory of its own (e.g. /var/lib/crilab/lab)`;
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(d);
  } catch {
    return undefined; // does not exist (yet)
  }
  if (entries.length === 0 || entries.includes('lab.json')) return undefined;
  const foreign = entries.filter((e) => !LAYOUT_NAMES.has(e));
  return foreign.length === 0
    ? undefined
    : `${d} is not empty and holds no lab.json (found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): not a crilab lab dir`;
}

/** Ancestors of `dir` that do not exist yet, outermost first (what mkdir -p would create). */
export function missingAncestors(dir: string): string[] {
  const out: string[] = [];
  let d = path.dirname(path.resolve(dir));
  while (!fs.existsSync(d)) {
    out.unshift(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return out;
}

export function createLayout(p: LabPaths): void {
  fs.mkdirSync(p.dir, { recursive: true, mode: 0o755 });
  for (const d of [p.logsDir, p.root, p.state, p.opt, p.runcRoot, p.fifoDir, p.certsDir, p.cniConfDir, p.ipamDataDir, p.registryData, p.imagesDir]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  }
  fs.chmodSync(p.root, 0o711);
}

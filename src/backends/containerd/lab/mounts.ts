/** Mounts below a directory (from /proc/self/mountinfo) and taking them down, deepest first. */
import fs from 'node:fs';
import { run, failureText } from './process.js';

export interface MountEntry {
  id: number;
  parentId: number;
  mountPoint: string;
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function readMounts(): MountEntry[] {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [pre, post] = line.split(' - ');
    const f = (pre ?? '').split(' ');
    const g = (post ?? '').split(' ');
    out.push({
      id: Number(f[0]),
      parentId: Number(f[1]),
      mountPoint: unescapeMountPath(f[4] ?? ''),
      fsType: g[0] ?? '',
      source: unescapeMountPath(g[1] ?? ''),
    });
  }
  return out;
}

export function isUnder(p: string, dir: string): boolean {
  const d = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return p === d || p.startsWith(`${d}/`);
}

/** Mounts at or below `dir`, deepest (and most recently stacked) first. */
export function mountsUnder(dir: string): MountEntry[] {
  const real = fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
  return readMounts()
    .filter((m) => isUnder(m.mountPoint, real) || isUnder(m.mountPoint, dir))
    .sort((a, b) => b.mountPoint.split('/').length - a.mountPoint.split('/').length || b.id - a.id);
}

/** Unmounts everything at or below `dir`; returns the mount points taken down. Throws if any stay. */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  const done: string[] = [];
  for (let round = 0; round < 10; round++) {
    const mounts = mountsUnder(dir);
    if (mounts.length === 0) return done;
    for (const m of mounts) {
      let r = await run('umount', ['-n', m.mountPoint]);
      if (r.code !== 0) r = await run('umount', ['-n', '-l', m.mountPoint]);
      if (r.code === 0) done.push(m.mountPoint);
      else if (round === 9) throw new Error(failureText(`umount ${m.mountPoint}`, r));
    }
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`still mounted: ${left.map((m) => m.mountPoint).join(', ')}`);
  return done;
}

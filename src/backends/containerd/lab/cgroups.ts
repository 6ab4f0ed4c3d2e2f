/**
 * cgroup directories containerd and runc leave behind: the per-namespace parents (`k8s.io`,
 * `default`) that runc creates above container cgroups and never removes. `down` removes those
 * that did not exist before `up`, when they are empty.
 */
import fs from 'node:fs';
import path from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** containerd namespaces the lab uses: CRI's and ctr's default. */
export const CGROUP_NAMES = ['k8s.io', 'default'] as const;

/** cgroup hierarchy roots: v1 controllers (/sys/fs/cgroup/cpu…) or the v2 unified root. */
function hierarchies(): string[] {
  if (fs.existsSync(path.join(CGROUP_ROOT, 'cgroup.controllers'))) return [CGROUP_ROOT];
  try {
    return fs
      .readdirSync(CGROUP_ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() || d.isSymbolicLink())
      .map((d) => path.join(CGROUP_ROOT, d.name))
      .filter((p) => fs.existsSync(path.join(p, 'cgroup.procs')) && fs.lstatSync(p).isDirectory());
  } catch {
    return [];
  }
}

/** Existing cgroup dirs named like the lab's containerd namespaces. */
export function labCgroupDirs(): string[] {
  const out: string[] = [];
  for (const h of hierarchies()) {
    for (const n of CGROUP_NAMES) {
      const p = path.join(h, n);
      if (fs.existsSync(p)) out.push(p);
    }
  }
  return out.sort();
}

/** rmdir a cgroup subtree bottom-up; cgroups with processes stay (EBUSY). Returns what was removed. */
export function removeCgroupTree(dir: string): { removed: string[]; busy: string[] } {
  const removed: string[] = [];
  const busy: string[] = [];
  const walk = (d: string) => {
    let kids: fs.Dirent[] = [];
    try {
      kids = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const k of kids) if (k.isDirectory()) walk(path.join(d, k.name));
    try {
      fs.rmdirSync(d);
      removed.push(d);
    } catch {
      busy.push(d);
    }
  };
  walk(dir);
  return { removed, busy };
}

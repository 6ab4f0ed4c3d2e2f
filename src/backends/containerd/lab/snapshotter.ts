/** Does overlayfs work where containerd's root lives? If not, the lab uses the native snapshotter. */
import fs from 'node:fs';
import path from 'node:path';
import { mountsUnder } from './mounts.js';
import { run } from './process.js';
import type { Snapshotter } from './containerd-config.js';

export interface SnapshotterChoice {
  snapshotter: Snapshotter;
  /** why overlayfs was not chosen */
  reason?: string;
}

export async function chooseSnapshotter(rootDir: string): Promise<SnapshotterChoice> {
  const filesystems = fs.existsSync('/proc/filesystems') ? fs.readFileSync('/proc/filesystems', 'utf8') : '';
  if (!/\toverlay\n/.test(filesystems)) {
    return { snapshotter: 'native', reason: 'the kernel lists no overlay filesystem' };
  }
  const base = path.join(rootDir, '.overlay-check');
  fs.rmSync(base, { recursive: true, force: true });
  const [lower, upper, work, merged] = ['l', 'u', 'w', 'm'].map((n) => path.join(base, n)) as [string, string, string, string];
  for (const d of [lower, upper, work, merged]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(lower, 'probe'), 'x');
  try {
    const m = await run('mount', ['-n', '-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    if (m.code !== 0) {
      return { snapshotter: 'native', reason: `mounting overlay failed: ${(m.stderr || m.spawnError || '').trim()}` };
    }
    const ok = fs.existsSync(path.join(merged, 'probe'));
    const u = await run('umount', ['-n', merged]);
    if (u.code !== 0) await run('umount', ['-n', '-l', merged]);
    return ok ? { snapshotter: 'overlayfs' } : { snapshotter: 'native', reason: 'overlay mount did not show its lower dir' };
  } finally {
    // never recurse into a mount that would not go away
    if (mountsUnder(base).length === 0) fs.rmSync(base, { recursive: true, force: true });
  }
}

/**
 * One lab command at a time per lab dir, across processes (parallel test files, a user in a
 * second terminal). The lock file lives in /run/lock, outside the lab dir that `down` deletes,
 * and holds the owner's pid so a crashed owner does not block forever.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidAlive, sleep } from './process.js';

export function lockDir(): string {
  return fs.existsSync('/run/lock') ? '/run/lock' : os.tmpdir();
}

export function lockPath(labDir: string): string {
  const h = createHash('sha256').update(labDir).digest('hex').slice(0, 12);
  return path.join(lockDir(), `crilab-lab-${h}.lock`);
}

/** Lock files this process holds right now (so a second call in-process waits instead of stealing). */
const heldHere = new Set<string>();

/** Waits for and takes the lock; returns the release function. */
export async function acquireLabLock(
  labDir: string,
  opts: { timeoutMs?: number; onWait?: (ownerPid: number) => void } = {},
): Promise<() => void> {
  const file = lockPath(labDir);
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(file, 'utf8').trim());
    } catch {
      continue; // released between our open and read
    }
    const ownStale = owner === process.pid && !heldHere.has(file);
    if (!Number.isInteger(owner) || owner <= 0 || !pidAlive(owner) || ownStale) {
      fs.rmSync(file, { force: true }); // stale (or our own, left by a crashed call in this process)
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another crilab lab command (pid ${owner}) holds ${file}`);
    if (!told) {
      opts.onWait?.(owner);
      told = true;
    }
    await sleep(200);
  }
}

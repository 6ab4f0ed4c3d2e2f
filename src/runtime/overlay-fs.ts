import { DEV_NULL, normalizePath, parentPath, type ContainerFs } from './shell/container-fs.js';

/**
 * A container's root filesystem as overlayfs gives it: the image's files are a read-only lower
 * layer shared by every container of that image, and what the container writes (plus the files
 * the runtime bind-mounts: /etc/hostname, /etc/hosts, /etc/resolv.conf) lives in its own upper
 * layer. A removed lower file is hidden by a whiteout; a directory re-made after removal is
 * opaque (the lower one's entries stay hidden), as in the kernel's overlayfs. This is also what
 * keeps CreateContainer cheap: nothing of the image is copied.
 */
export class OverlayFs implements ContainerFs {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>();
  private readonly whiteouts = new Set<string>();

  constructor(
    private readonly lower: ContainerFs,
    upper: Record<string, string> = {},
  ) {
    for (const [path, content] of Object.entries(upper)) this.write(path, content);
  }

  /** Is `p` (normalised) hidden by a whiteout on it or on one of its parents? */
  private hidden(p: string): boolean {
    if (this.whiteouts.size === 0) return false;
    for (let d = p; ; d = parentPath(d)) {
      if (this.whiteouts.has(d)) return true;
      if (d === '/') return false;
    }
  }

  read(path: string): string | undefined {
    const p = normalizePath(path);
    if (p === DEV_NULL) return '';
    const own = this.files.get(p);
    if (own !== undefined) return own;
    if (this.dirs.has(p) || this.hidden(p)) return undefined;
    return this.lower.read(p);
  }

  write(path: string, data: string, append = false): void {
    const p = normalizePath(path);
    if (p === DEV_NULL) return;
    this.mkdir(parentPath(p));
    const before = append ? (this.read(p) ?? '') : '';
    this.dirs.delete(p);
    this.files.set(p, before + data);
  }

  remove(path: string): boolean {
    const p = normalizePath(path);
    if (p === '/' || !this.exists(p)) return false;
    const prefix = `${p}/`;
    this.files.delete(p);
    this.dirs.delete(p);
    for (const f of [...this.files.keys()]) if (f.startsWith(prefix)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d.startsWith(prefix)) this.dirs.delete(d);
    if (this.lower.exists(p)) this.whiteouts.add(p);
    return true;
  }

  exists(path: string): boolean {
    const p = normalizePath(path);
    if (p === DEV_NULL || this.files.has(p) || this.dirs.has(p)) return true;
    return !this.hidden(p) && this.lower.exists(p);
  }

  isDir(path: string): boolean {
    const p = normalizePath(path);
    if (this.dirs.has(p)) return true;
    if (this.files.has(p) || this.hidden(p)) return false;
    return this.lower.isDir(p);
  }

  mkdir(path: string): void {
    const chain: string[] = [];
    for (let d = normalizePath(path); !this.isDir(d); d = parentPath(d)) chain.push(d);
    for (const d of chain) {
      this.files.delete(d);
      this.dirs.add(d);
    }
  }

  list(path: string): string[] | undefined {
    const p = normalizePath(path);
    if (!this.isDir(p)) return undefined;
    const names = new Set<string>();
    const prefix = p === '/' ? '/' : `${p}/`;
    if (!this.hidden(p) && !(this.dirs.has(p) && this.whiteouts.has(p))) {
      for (const name of this.lower.list(p) ?? []) if (!this.hidden(prefix + name)) names.add(name);
    }
    for (const entry of [...this.files.keys(), ...this.dirs]) {
      if (entry !== p && entry.startsWith(prefix)) {
        const rest = entry.slice(prefix.length);
        if (rest && !rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }
}

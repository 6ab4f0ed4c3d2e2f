import { programFile } from './programs/index.js';

/**
 * The files a simulated container sees: an in-memory tree per container instance, seeded from
 * its image (see image-rootfs.ts) and the files the runtime bind-mounts (/etc/hostname,
 * /etc/hosts, /etc/resolv.conf). Programs and the shell reach it only through this interface.
 */
export interface ContainerFs {
  /** File content, or undefined when there is no such file (directories read as undefined too). */
  read(path: string): string | undefined;
  /** Create or replace (or append to) a file; missing parent directories are created. */
  write(path: string, data: string, append?: boolean): void;
  /** Remove a file or a directory with everything under it; false when nothing was there. */
  remove(path: string): boolean;
  exists(path: string): boolean;
  isDir(path: string): boolean;
  /** Create a directory and its missing parents. */
  mkdir(path: string): void;
  /** Names in a directory, sorted; undefined when it is not a directory. */
  list(path: string): string[] | undefined;
}

/** The null device: reads empty, swallows writes (`>/dev/null`). */
export const DEV_NULL = '/dev/null';

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Is `path` already what normalizePath would return: absolute, no empty, `.` or `..`
 * segment, no trailing slash? Most paths are (the runtime's own, PATH lookups, the overlay's
 * second look at a path it normalised), and every file operation normalises.
 */
function isNormalAbsolute(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return false;
  const n = path.length;
  if (n === 1) return true;
  for (let i = 0; i < n; i++) {
    if (path.charCodeAt(i) !== SLASH) continue;
    // A segment starts at i + 1: it must not be empty, `.` or `..` (NaN past the end).
    const a = path.charCodeAt(i + 1);
    if (a === SLASH || i + 1 === n) return false;
    if (a !== DOT) continue;
    const b = path.charCodeAt(i + 2);
    if (b === SLASH || i + 2 === n) return false;
    if (b === DOT && (i + 3 === n || path.charCodeAt(i + 3) === SLASH)) return false;
  }
  return true;
}

/** Normalise an absolute path: collapse `//`, `.` and `..`; no trailing slash (except `/`). */
export function normalizePath(path: string, cwd = '/'): string {
  if (isNormalAbsolute(path)) return path;
  const joined = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

export function parentPath(path: string): string {
  const p = normalizePath(path);
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function baseName(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/**
 * An image file as the image store describes it (src/runtime/images: ImageFile): a program
 * (by name), a text file, or a symlink.
 */
export type ImageFileLike =
  | { kind: 'program'; program: string }
  | { kind: 'file'; content: string }
  | { kind: 'symlink'; target: string };

/**
 * An in-memory filesystem. `initial` maps paths to file contents (or image files: a program
 * becomes an executable running it, a symlink a copy of its target); a key ending in `/` names
 * an (empty) directory. `/`, `/dev`, `/dev/null` and `/tmp` always exist.
 */
export function createContainerFs(initial: Record<string, string | ImageFileLike> = {}): ContainerFs {
  const files = new Map<string, string>();
  const dirs = new Set<string>(['/']);

  const ensureDir = (dir: string): void => {
    let d = normalizePath(dir);
    const chain: string[] = [];
    while (!dirs.has(d)) {
      chain.push(d);
      d = parentPath(d);
    }
    for (const c of chain) {
      files.delete(c);
      dirs.add(c);
    }
  };

  const fs: ContainerFs = {
    read(path) {
      const p = normalizePath(path);
      if (p === DEV_NULL) return '';
      return files.get(p);
    },
    write(path, data, append = false) {
      const p = normalizePath(path);
      if (p === DEV_NULL) return;
      ensureDir(parentPath(p));
      files.set(p, append ? (files.get(p) ?? '') + data : data);
    },
    remove(path) {
      const p = normalizePath(path);
      if (p === '/') return false;
      if (files.delete(p)) return true;
      if (!dirs.has(p)) return false;
      const prefix = `${p}/`;
      for (const f of [...files.keys()]) if (f.startsWith(prefix)) files.delete(f);
      for (const d of [...dirs]) if (d === p || d.startsWith(prefix)) dirs.delete(d);
      return true;
    },
    exists(path) {
      const p = normalizePath(path);
      return p === DEV_NULL || files.has(p) || dirs.has(p);
    },
    isDir(path) {
      return dirs.has(normalizePath(path));
    },
    mkdir(path) {
      ensureDir(path);
    },
    list(path) {
      const p = normalizePath(path);
      if (!dirs.has(p)) return undefined;
      const prefix = p === '/' ? '/' : `${p}/`;
      const names = new Set<string>();
      for (const entry of [...files.keys(), ...dirs]) {
        if (entry !== p && entry.startsWith(prefix)) {
          const rest = entry.slice(prefix.length);
          if (rest && !rest.includes('/')) names.add(rest);
        }
      }
      if (p === '/dev') names.add('null');
      return [...names].sort();
    },
  };

  fs.mkdir('/dev');
  fs.mkdir('/tmp'); // every image used here has it; tools (and probes) expect it
  const links: [string, string][] = [];
  for (const [path, entry] of Object.entries(initial)) {
    if (path.endsWith('/')) fs.mkdir(path);
    else if (typeof entry === 'string') fs.write(path, entry);
    else if (entry.kind === 'file') fs.write(path, entry.content);
    else if (entry.kind === 'program') fs.write(path, programFile(entry.program));
    else links.push([path, normalizePath(entry.target, parentPath(path))]);
  }
  for (const [path, target] of links) {
    const content = fs.read(target);
    if (content !== undefined) fs.write(path, content);
    else if (fs.isDir(target)) fs.mkdir(path);
  }
  return fs;
}

/**
 * What an image brings to a container: its OCI config (the defaults the runtime uses when the
 * container spec leaves something out) and its files (what the simulated shell can find and
 * run). One shape for the well-known images, the generated ones, and the local store.
 */

/**
 * The part of an OCI image config (`config` in the image-spec's config.json) that decides how a
 * container runs. containerd reads it at CreateContainer: ENTRYPOINT and CMD build the process
 * args when the kubelet gives no command/args, Env is merged under the container's env,
 * User and WorkingDir are defaults, StopSignal is used by StopContainer.
 */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  /** `KEY=value` entries, in image order. */
  env: string[];
  /** `uid`, `uid:gid`, `name` or `name:group`; empty = root. */
  user: string;
  /** Empty = `/` (containerd's default). */
  workingDir: string;
  /** Empty = SIGTERM (containerd's default for StopContainer). */
  stopSignal: string;
  /** `80/tcp`… (informational; Kubernetes does not use them). */
  exposedPorts: string[];
  labels: Record<string, string>;
}

/**
 * A file in an image. A `program` is an executable the simulated shell runs by the given name
 * (`busybox` links `/bin/echo` to its `echo` applet; nginx's `/usr/sbin/nginx` is `nginx`);
 * a `file` has text content a container can `cat`.
 */
export type ImageFile =
  | { kind: 'program'; program: string }
  | { kind: 'file'; content: string }
  | { kind: 'symlink'; target: string };

/** Docker's default PATH, which image builders write into every image's Env. */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function emptyConfig(): ImageConfig {
  return { entrypoint: [], cmd: [], env: [DEFAULT_PATH_ENV], user: '', workingDir: '', stopSignal: '', exposedPorts: [], labels: {} };
}

/** Parse `KEY=value` entries into a record (later entries win, as in a process environment). */
export function envRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i <= 0) continue;
    out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/**
 * The image's user as the CRI reports it (containerd `getUserFromImage`, helpers.go in
 * v1.6.39/v1.7.34): only the part before `:` counts; a number is a uid, anything else a
 * username; empty means neither.
 */
export function criUserOf(user: string): { uid: bigint | undefined; username: string } {
  if (user === '') return { uid: undefined, username: '' };
  const first = user.split(':')[0] ?? '';
  // Go's strconv.ParseInt(…, 10, 64): optional sign, decimal digits, must fit in int64.
  if (/^[+-]?[0-9]+$/.test(first)) {
    const n = BigInt(first);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { uid: n, username: '' };
  }
  return { uid: undefined, username: first };
}

/** Programs present in a file map, path → program name. */
export function programsOf(files: Readonly<Record<string, ImageFile>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, f] of Object.entries(files)) {
    if (f.kind === 'program') out[path] = f.program;
  }
  return out;
}

/** Text files present in a file map, path → content (programs and symlinks left out). */
export function textFilesOf(files: Readonly<Record<string, ImageFile>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, f] of Object.entries(files)) {
    if (f.kind === 'file') out[path] = f.content;
  }
  return out;
}

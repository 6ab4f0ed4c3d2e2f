/**
 * The images the bundled scenarios use, built offline from busybox-static and served by the
 * lab's registry. Pod specs name them as usual (`busybox:1.36`); containerd's hosts.toml sends
 * `docker.io` and `registry.k8s.io` to the local registry, so the pull is real.
 */

export type LabImageKind = 'pause' | 'busybox';

export interface LabImage {
  /** the fully qualified reference a pod spec (after normalisation) or containerd uses */
  ref: string;
  /** the registry the reference names (served by the lab's registry through hosts.toml) */
  registry: string;
  /** repository path inside the registry */
  repository: string;
  tag: string;
  kind: LabImageKind;
}

export const LAB_IMAGES: readonly LabImage[] = [
  // containerd 1.6's default sandbox_image; ours is a shell loop that exits 0 on SIGTERM/SIGINT
  { ref: 'registry.k8s.io/pause:3.6', registry: 'registry.k8s.io', repository: 'pause', tag: '3.6', kind: 'pause' },
  { ref: 'docker.io/library/busybox:1.36', registry: 'docker.io', repository: 'library/busybox', tag: '1.36', kind: 'busybox' },
  { ref: 'docker.io/library/busybox:latest', registry: 'docker.io', repository: 'library/busybox', tag: 'latest', kind: 'busybox' },
];

/** containerd's `sandbox_image`. */
export const SANDBOX_IMAGE = 'registry.k8s.io/pause:3.6';

/** Registries whose names the lab's containerd resolves to the local registry. */
export const MIRRORED_REGISTRIES = ['docker.io', 'registry.k8s.io'] as const;

/** `PATH` of the official busybox image (and of most images). */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The pause program: PID 1 of the sandbox container, holds the pod's namespaces, sleeps forever
 * and exits 0 on SIGTERM/SIGINT (a shell only gets signals as PID 1 when it traps them).
 */
export const PAUSE_SCRIPT = [
  '#!/bin/sh',
  "# crilab's pause: keeps the pod's namespaces alive; exits 0 on SIGTERM or SIGINT.",
  "trap 'kill $! 2>/dev/null; exit 0' TERM INT",
  'while :; do sleep 3600 & wait $!; done',
  '',
].join('\n');

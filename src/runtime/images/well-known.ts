import { DEFAULT_PATH_ENV, emptyConfig, type ImageConfig, type ImageFile } from './image-config.js';
import type { ImageReference } from './reference.js';

/**
 * Real metadata of the images a learner meets first, so that a container without a command
 * runs what it would run on a real node (busybox → `sh`, nginx → `/docker-entrypoint.sh nginx
 * -g 'daemon off;'`, the pause image → `/pause`) and a `crictl images` looks familiar.
 *
 * Sources: the images' published configs (Docker Hub official-images Dockerfiles, kubernetes
 * build/pause/Dockerfile) and node statuses / `ctr images ls` output found in public
 * repositories for the pause images. Sizes are the compressed linux/amd64 sizes containerd
 * reports in ListImages (`size`, the image's content in the content store) where a real value
 * was seen, otherwise a rounded typical value; a tag's exact size drifts from release to release.
 * Where an image ID and repo digest were verified they are used as they are; otherwise the
 * simulated registry derives them (sim-registry.ts).
 */

/** What the simulated registry serves for one image. */
export interface ImageDefinition {
  config: ImageConfig;
  files: Record<string, ImageFile>;
  /** Compressed layer sizes in bytes, base layer first. Their sum (plus manifest and config) is the pull size. */
  layers: number[];
  /** Bytes on disk once unpacked (what ImageFsInfo counts). */
  unpackedSize: number;
  /** Files and directories once unpacked (ImageFsInfo's inodes). */
  inodes: number;
  /** A verified image ID (config digest); else derived. */
  id?: string;
  /** A verified repo digest (the manifest or index digest); else derived. */
  repoDigest?: string;
}

export interface WellKnownImage {
  /** Normalised repository name: `docker.io/library/busybox`. */
  repository: string;
  /** Other names of the same repository (the pause image's old home, k8s.gcr.io). */
  aliases?: readonly string[];
  /** Tags this entry describes; absent = every tag of the repository. */
  tags?: readonly string[];
  definition: ImageDefinition;
}

// ---------------------------------------------------------------------------------------------
// File sets.

/** Programs busybox links into /bin (a subset of its applets: those a scenario plausibly runs). */
const BUSYBOX_APPLETS = [
  'sh', 'ash', 'echo', 'printf', 'sleep', 'cat', 'true', 'false', 'env', 'ls', 'date', 'hostname',
  'id', 'whoami', 'ps', 'kill', 'wget', 'nc', 'test', '[', 'yes', 'head', 'tail', 'wc', 'grep',
  'sed', 'awk', 'mkdir', 'rm', 'touch', 'cp', 'mv', 'ln', 'uname', 'seq', 'expr', 'top', 'sync',
  'nslookup', 'ping', 'timeout', 'tee', 'sort', 'uniq', 'cut', 'tr', 'basename', 'dirname', 'pwd',
] as const;

function busyboxFiles(): Record<string, ImageFile> {
  const files: Record<string, ImageFile> = { '/bin/busybox': { kind: 'program', program: 'busybox' } };
  for (const a of BUSYBOX_APPLETS) files[`/bin/${a}`] = { kind: 'program', program: a };
  return files;
}

/** busybox image's /etc/passwd and /etc/group (docker-library/busybox rootfs). */
const BUSYBOX_PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'sync:x:4:100:sync:/bin:/bin/sync',
  'mail:x:8:8:mail:/var/spool/mail:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'operator:x:37:37:Operator:/var:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
  '',
].join('\n');
const BUSYBOX_GROUP = ['root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'mail:x:8:', 'www-data:x:33:', 'users:x:100:', 'nogroup:x:65534:', ''].join('\n');

/** Coreutils and friends in a Debian-based image (nginx, redis, python are built on debian:bookworm). */
const DEBIAN_PROGRAMS: Record<string, string> = {
  '/bin/sh': 'sh', // dash
  '/bin/dash': 'sh',
  '/bin/bash': 'bash',
  '/bin/echo': 'echo',
  '/usr/bin/printf': 'printf',
  '/bin/sleep': 'sleep',
  '/bin/cat': 'cat',
  '/bin/true': 'true',
  '/bin/false': 'false',
  '/usr/bin/env': 'env',
  '/bin/ls': 'ls',
  '/bin/date': 'date',
  '/bin/hostname': 'hostname',
  '/usr/bin/id': 'id',
  '/usr/bin/whoami': 'whoami',
  '/bin/kill': 'kill',
  '/usr/bin/test': 'test',
  '/usr/bin/[': '[',
  '/usr/bin/head': 'head',
  '/usr/bin/tail': 'tail',
  '/usr/bin/wc': 'wc',
  '/bin/grep': 'grep',
  '/bin/sed': 'sed',
  '/bin/mkdir': 'mkdir',
  '/bin/rm': 'rm',
  '/bin/touch': 'touch',
  '/bin/uname': 'uname',
  '/usr/bin/seq': 'seq',
  '/usr/bin/timeout': 'timeout',
};

function debianFiles(extra: Record<string, ImageFile> = {}): Record<string, ImageFile> {
  const files: Record<string, ImageFile> = {};
  for (const [path, program] of Object.entries(DEBIAN_PROGRAMS)) files[path] = { kind: 'program', program };
  files['/etc/os-release'] = {
    kind: 'file',
    content: [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      'VERSION="12 (bookworm)"',
      'VERSION_CODENAME=bookworm',
      'ID=debian',
      'HOME_URL="https://www.debian.org/"',
      'SUPPORT_URL="https://www.debian.org/support"',
      'BUG_REPORT_URL="https://bugs.debian.org/"',
      '',
    ].join('\n'),
  };
  files['/etc/debian_version'] = { kind: 'file', content: '12.8\n' };
  return { ...files, ...extra };
}

// ---------------------------------------------------------------------------------------------
// The pause image. kubernetes build/pause/Dockerfile: FROM scratch, ADD the static /pause,
// `USER 65535:65535` (present in current Dockerfiles; the version that added it was not checked),
// ENTRYPOINT ["/pause"]. One layer of about 300 kB.

function pauseDefinition(size: number, verified: { id?: string; repoDigest?: string }): ImageDefinition {
  return {
    config: { ...emptyConfig(), entrypoint: ['/pause'], user: '65535:65535' },
    files: { '/pause': { kind: 'program', program: 'pause' } },
    layers: [size - 1_500],
    unpackedSize: 700_000,
    inodes: 8,
    ...verified,
  };
}

export const WELL_KNOWN_IMAGES: readonly WellKnownImage[] = [
  {
    repository: 'registry.k8s.io/pause',
    aliases: ['k8s.gcr.io/pause'],
    tags: ['3.6'],
    // Seen in node statuses (`registry.k8s.io/pause@sha256:3d38…`, sizeBytes 301773) and `ctr images ls`.
    definition: pauseDefinition(301_773, {
      id: 'sha256:6270bb605e12e581514ada5fd5b3216f727db55dc87d5889c790e4c760683fee',
      repoDigest: 'sha256:3d380ca8864549e74af4b29c10f9cb0956236dfb01c40ca076fb6c37253234db',
    }),
  },
  { repository: 'registry.k8s.io/pause', aliases: ['k8s.gcr.io/pause'], tags: ['3.8'], definition: pauseDefinition(311_286, {}) },
  {
    repository: 'registry.k8s.io/pause',
    aliases: ['k8s.gcr.io/pause'],
    tags: ['3.9'],
    // Node statuses: `registry.k8s.io/pause@sha256:7031…`, sizeBytes 321520; config blob e6f1… in pull logs.
    definition: pauseDefinition(321_520, {
      id: 'sha256:e6f1816883972d4be47bd48879a08919b96afcd344132622e4d444987919323c',
      repoDigest: 'sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097',
    }),
  },
  {
    repository: 'registry.k8s.io/pause',
    aliases: ['k8s.gcr.io/pause'],
    tags: ['3.10'],
    // Node status with containerd 1.6: `registry.k8s.io/pause@sha256:ee65…`, sizeBytes 320368.
    definition: pauseDefinition(320_368, {
      repoDigest: 'sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a',
    }),
  },
  {
    // docker-library/busybox: `FROM scratch`, ADD rootfs, `CMD ["sh"]`.
    repository: 'docker.io/library/busybox',
    definition: {
      config: { ...emptyConfig(), cmd: ['sh'] },
      files: {
        ...busyboxFiles(),
        '/etc/passwd': { kind: 'file', content: BUSYBOX_PASSWD },
        '/etc/group': { kind: 'file', content: BUSYBOX_GROUP },
      },
      layers: [2_150_000],
      unpackedSize: 4_270_000,
      inodes: 420,
    },
  },
  {
    // docker-library/alpine: `FROM scratch`, ADD the minirootfs, `CMD ["/bin/sh"]`.
    repository: 'docker.io/library/alpine',
    definition: {
      config: { ...emptyConfig(), cmd: ['/bin/sh'] },
      files: {
        ...busyboxFiles(),
        '/sbin/apk': { kind: 'program', program: 'apk' },
        '/etc/alpine-release': { kind: 'file', content: '3.20.3\n' },
        '/etc/os-release': {
          kind: 'file',
          content: [
            'NAME="Alpine Linux"',
            'ID=alpine',
            'VERSION_ID=3.20.3',
            'PRETTY_NAME="Alpine Linux v3.20"',
            'HOME_URL="https://alpinelinux.org/"',
            'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"',
            '',
          ].join('\n'),
        },
        '/etc/passwd': { kind: 'file', content: BUSYBOX_PASSWD },
        '/etc/group': { kind: 'file', content: BUSYBOX_GROUP },
      },
      layers: [3_626_000],
      unpackedSize: 7_800_000,
      inodes: 510,
    },
  },
  {
    // nginxinc/docker-nginx mainline/debian Dockerfile: ENTRYPOINT ["/docker-entrypoint.sh"],
    // EXPOSE 80, STOPSIGNAL SIGQUIT, CMD ["nginx", "-g", "daemon off;"].
    repository: 'docker.io/library/nginx',
    definition: {
      config: {
        ...emptyConfig(),
        entrypoint: ['/docker-entrypoint.sh'],
        cmd: ['nginx', '-g', 'daemon off;'],
        env: [DEFAULT_PATH_ENV, 'NGINX_VERSION=1.27.3', 'NJS_VERSION=0.8.7', 'NJS_RELEASE=1~bookworm', 'PKG_RELEASE=1~bookworm'],
        stopSignal: 'SIGQUIT',
        exposedPorts: ['80/tcp'],
        labels: { maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
      },
      files: debianFiles({
        '/docker-entrypoint.sh': { kind: 'program', program: 'docker-entrypoint.sh' },
        '/usr/sbin/nginx': { kind: 'program', program: 'nginx' },
        '/usr/share/nginx/html/index.html': {
          kind: 'file',
          content:
            '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n' +
            '<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n' +
            '</body>\n</html>\n',
        },
      }),
      layers: [28_230_000, 43_950_000, 630, 960, 1_210, 1_400, 1_210],
      unpackedSize: 192_000_000,
      inodes: 7_400,
    },
  },
  {
    // docker-library/redis (debian): WORKDIR /data, EXPOSE 6379, ENTRYPOINT ["docker-entrypoint.sh"], CMD ["redis-server"].
    repository: 'docker.io/library/redis',
    definition: {
      config: {
        ...emptyConfig(),
        entrypoint: ['docker-entrypoint.sh'],
        cmd: ['redis-server'],
        env: [DEFAULT_PATH_ENV, 'REDIS_VERSION=7.4.1'],
        workingDir: '/data',
        exposedPorts: ['6379/tcp'],
      },
      files: debianFiles({
        '/usr/local/bin/docker-entrypoint.sh': { kind: 'program', program: 'docker-entrypoint.sh' },
        '/usr/local/bin/redis-server': { kind: 'program', program: 'redis-server' },
        '/usr/local/bin/redis-cli': { kind: 'program', program: 'redis-cli' },
      }),
      layers: [28_230_000, 1_100, 880_000, 15_600_000, 98, 570],
      unpackedSize: 117_000_000,
      inodes: 5_200,
    },
  },
  {
    // docker-library/python (bookworm): ENV LANG C.UTF-8, PYTHON_VERSION, CMD ["python3"].
    repository: 'docker.io/library/python',
    definition: {
      config: {
        ...emptyConfig(),
        cmd: ['python3'],
        env: ['PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'PYTHON_VERSION=3.12.8'],
      },
      files: debianFiles({
        '/usr/local/bin/python3': { kind: 'program', program: 'python3' },
        '/usr/local/bin/python': { kind: 'symlink', target: 'python3' },
      }),
      layers: [48_500_000, 24_000_000, 64_400_000, 211_300_000, 6_200_000, 25_600_000, 250],
      unpackedSize: 1_020_000_000,
      inodes: 41_000,
    },
  },
];

/**
 * The well-known definition for a normalised reference, if crilab has one: the entry for its
 * tag, else the entry for every tag of its repository. A tag or digest crilab has no entry for,
 * in a repository it knows (`pause:3.7`, `pause@sha256:…`), gets that repository's config and
 * files but not the verified digests of another tag.
 */
export function findWellKnown(ref: ImageReference): WellKnownImage | undefined {
  const candidates = WELL_KNOWN_IMAGES.filter((w) => w.repository === ref.name || w.aliases?.includes(ref.name));
  const tag = ref.tag;
  if (tag !== undefined) {
    const exact = candidates.find((w) => w.tags?.includes(tag));
    if (exact) return exact;
  }
  const anyTag = candidates.find((w) => w.tags === undefined);
  if (anyTag) return anyTag;
  const sibling = candidates[0];
  if (!sibling) return undefined;
  const { id: _id, repoDigest: _digest, ...rest } = sibling.definition;
  return { repository: sibling.repository, definition: rest };
}

/**
 * An image crilab knows nothing about. A real image always has ENTRYPOINT or CMD of its own;
 * crilab cannot know them, so it gives none: a container of such an image must say its
 * `command`, otherwise CreateContainer fails as containerd fails it (`no command specified`),
 * which makes the role of the image's defaults visible. A scenario that needs defaults sets them
 * on the registry (SimRegistry.define). Its files are busybox's, so the commands of a pod spec
 * run as they would in the busybox image the containerd backend uses.
 */
export function genericDefinition(compressedSize: number, layerCount: number): ImageDefinition {
  const layers: number[] = [];
  let left = compressedSize;
  for (let i = 0; i < layerCount; i++) {
    // Base layer largest, as in most images: halve what is left, the last layer takes the rest.
    const size = i === layerCount - 1 ? left : Math.max(1, Math.floor(left / 2));
    layers.push(size);
    left -= size;
  }
  return {
    config: emptyConfig(),
    files: {
      ...busyboxFiles(),
      '/etc/passwd': { kind: 'file', content: BUSYBOX_PASSWD },
      '/etc/group': { kind: 'file', content: BUSYBOX_GROUP },
    },
    layers,
    // Typical gzip ratio of filesystem layers is 2–3×.
    unpackedSize: Math.round(compressedSize * 2.5),
    inodes: Math.max(420, Math.round(compressedSize / (12 * 1024))),
  };
}

/** Bytes a registry serves besides layers: manifest and config JSON (typical sizes). */
export const MANIFEST_AND_CONFIG_BYTES = 1_500;

/**
 * Where everything of the lab lives. One directory holds it all (containerd's root and state,
 * its config, the CNI config and IPAM data, the registry's storage, pid files, logs and
 * `lab.json`), so `lab down` can remove exactly what `lab up` created.
 */
import path from 'node:path';

/** Default lab directory; override with env `CRILAB_LAB_DIR` or `--dir`. */
export const DEFAULT_LAB_DIR = '/var/lib/crilab/lab';

/** The CNI network of the lab: a Linux bridge with host-local IPAM on a /24 of our own. */
export const LAB_NETWORK = {
  /** CNI network name; also the prefix of libcni's cache files in /var/lib/cni/results. */
  name: 'crilab',
  bridge: 'crilab0',
  subnet: '10.244.0.0/24',
  gateway: '10.244.0.1',
  /** host-local hands out the first free address after the gateway. */
  firstPodIP: '10.244.0.2',
} as const;

/** The lab's registry listens on loopback only. */
export const REGISTRY_HOST = '127.0.0.1';
export const DEFAULT_REGISTRY_PORT = 5055;

/** CNI plugins shipped by Debian's containernetworking-plugins. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/** Where containerd 1.6's CRI plugin puts pod network namespaces (not configurable there). */
export const NETNS_DIR = '/var/run/netns';
/** libcni's cache of ADD results (containerd 1.6 does not let us move it). */
export const CNI_CACHE_DIR = '/var/lib/cni';
/** containerd 1.6 puts shim sockets under /run/containerd/s whatever `state` says. */
export const CONTAINERD_RUN_DIR = '/run/containerd';

/**
 * Packages `lab up` installed stay installed after `lab down` (unless --purge-packages), so the
 * list must outlive the lab dir: it is kept here, host-wide, until they are purged.
 */
export const PACKAGES_RECORD = '/var/lib/crilab/lab-packages.json';

/** Longest path a Unix socket can have on Linux (sun_path is 108 bytes, NUL included). */
export const MAX_SOCKET_PATH = 107;

export interface LabPaths {
  dir: string;
  labJson: string;
  logsDir: string;
  /** containerd */
  config: string;
  root: string;
  state: string;
  opt: string;
  socket: string;
  ttrpcSocket: string;
  debugSocket: string;
  pidFile: string;
  log: string;
  runcRoot: string;
  /** ctr's FIFOs for `ctr run` against this instance */
  fifoDir: string;
  /** `[plugins."io.containerd.grpc.v1.cri".registry] config_path` */
  certsDir: string;
  /** CNI */
  cniConfDir: string;
  cniConfList: string;
  ipamDataDir: string;
  /** registry */
  registryDir: string;
  registryConfig: string;
  registryData: string;
  registryPidFile: string;
  registryLog: string;
  /** built images (OCI layout), kept for inspection and re-push */
  imagesDir: string;
}

/** The lab directory in effect: explicit argument, then `CRILAB_LAB_DIR`, then the default. */
export function resolveLabDir(dir?: string): string {
  const chosen = dir ?? process.env['CRILAB_LAB_DIR'] ?? DEFAULT_LAB_DIR;
  return path.resolve(chosen);
}

export function labPaths(dir?: string): LabPaths {
  const d = resolveLabDir(dir);
  const j = (...p: string[]) => path.join(d, ...p);
  return {
    dir: d,
    labJson: j('lab.json'),
    logsDir: j('logs'),
    config: j('config.toml'),
    root: j('root'),
    // kept short on purpose: containerd and runc put sockets and FIFOs below it
    state: j('s'),
    opt: j('opt'),
    socket: j('containerd.sock'),
    ttrpcSocket: j('containerd.sock.ttrpc'),
    debugSocket: j('debug.sock'),
    pidFile: j('containerd.pid'),
    log: j('logs', 'containerd.log'),
    runcRoot: j('runc'),
    fifoDir: j('fifo'),
    certsDir: j('certs.d'),
    cniConfDir: j('cni', 'net.d'),
    cniConfList: j('cni', 'net.d', '10-crilab.conflist'),
    ipamDataDir: j('cni', 'ipam'),
    registryDir: j('registry'),
    registryConfig: j('registry', 'config.yml'),
    registryData: j('registry', 'data'),
    registryPidFile: j('registry.pid'),
    registryLog: j('logs', 'registry.log'),
    imagesDir: j('images'),
  };
}

/** The CRI endpoint of the lab's containerd (a path, not a URL). */
export function labSocketPath(dir?: string): string {
  return labPaths(dir).socket;
}

/** The CRI endpoint as kubelet spells it: `unix:///…/containerd.sock`. */
export function labEndpoint(dir?: string): string {
  return `unix://${labSocketPath(dir)}`;
}

/** Sockets containerd binds inside the lab dir; all must fit in sun_path. */
export function socketPathProblems(p: LabPaths): string[] {
  return [p.socket, p.ttrpcSocket, p.debugSocket]
    .filter((s) => Buffer.byteLength(s) > MAX_SOCKET_PATH)
    .map((s) => `${s} is ${Buffer.byteLength(s)} bytes long, more than a Unix socket path may be (${MAX_SOCKET_PATH})`);
}

/** `crilab lab status`: what is installed and running; `up` is true when containerd and the registry answer. */
import fs from 'node:fs';
import { missingPackages, LAB_PACKAGES, readPackagesRecord } from './apt.js';
import { containerdVersion } from './ctr.js';
import { preflight } from './host.js';
import { LAB_IMAGES } from './images.js';
import { bridgePorts, linkExists, netnsFromCniCache } from './network.js';
import { LAB_NETWORK, REGISTRY_HOST, labPaths } from './paths.js';
import { registryAnswers, remoteDigest } from './registry.js';
import { readLabState, type LabState } from './state.js';
import type { LabLog } from './steps.js';
import { containerdRunning, registryRunning } from './up.js';

export interface LabStatus {
  up: boolean;
  dir: string;
  socket: string;
  endpoint: string;
  labJson: boolean;
  host: { debian: boolean; root: boolean };
  packages: { name: string; installed: boolean }[];
  installedByLab: string[];
  containerd: { running: boolean; answers: boolean; pid?: number; version?: string; snapshotter?: string; log: string };
  registry: { running: boolean; answers: boolean; pid?: number; url?: string };
  images: { ref: string; digest?: string; inRegistry: boolean }[];
  network: { bridge: string; bridgeUp: boolean; veths: string[]; subnet: string; podNetns: string[] };
  problems: string[];
}

export async function labStatus(opts: { dir?: string; log?: LabLog } = {}): Promise<LabStatus> {
  const p = labPaths(opts.dir);
  const pre = preflight();
  let state: LabState | undefined;
  const problems: string[] = [];
  try {
    state = readLabState(p.labJson);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const missing = new Set((await missingPackages().catch(() => [...LAB_PACKAGES])).map((m) => m.name));
  const cpid = containerdRunning(state, p);
  const version = cpid ? await containerdVersion(p.socket) : undefined;
  const rpid = registryRunning(state, p);
  const port = state?.registry?.port;
  const regAnswers = rpid !== undefined && port !== undefined && (await registryAnswers(port));
  const images = [];
  for (const img of LAB_IMAGES) {
    const digest = regAnswers && port !== undefined ? await remoteDigest(port, img.repository, img.tag) : undefined;
    images.push({ ref: img.ref, inRegistry: digest !== undefined, ...(digest ? { digest } : {}) });
  }
  if (state && !cpid) problems.push('containerd is not running');
  if (cpid && !version) problems.push(`containerd pid ${cpid} does not answer on ${p.socket}`);
  if (state && !rpid) problems.push('the registry is not running');
  if (rpid && !regAnswers) problems.push(`the registry pid ${rpid} does not answer`);
  if (regAnswers && images.some((i) => !i.inRegistry)) problems.push('some images are missing from the registry');
  const st: LabStatus = {
    up: Boolean(cpid && version && regAnswers),
    dir: p.dir,
    socket: p.socket,
    endpoint: `unix://${p.socket}`,
    labJson: state !== undefined,
    host: { debian: pre.debian, root: pre.root },
    packages: LAB_PACKAGES.map((pk) => ({ name: pk.name, installed: !missing.has(pk.name) })),
    installedByLab: [...new Set([...(state?.packages.installedByLab ?? []), ...readPackagesRecord().installedByLab])].sort(),
    containerd: {
      running: cpid !== undefined,
      answers: version !== undefined,
      ...(cpid ? { pid: cpid } : {}),
      ...(version ? { version } : {}),
      ...(state?.containerd ? { snapshotter: state.containerd.snapshotter } : {}),
      log: p.log,
    },
    registry: {
      running: rpid !== undefined,
      answers: regAnswers,
      ...(rpid ? { pid: rpid } : {}),
      ...(port !== undefined ? { url: `http://${REGISTRY_HOST}:${port}` } : {}),
    },
    images,
    network: {
      bridge: LAB_NETWORK.bridge,
      bridgeUp: linkExists(LAB_NETWORK.bridge),
      veths: bridgePorts(LAB_NETWORK.bridge),
      subnet: LAB_NETWORK.subnet,
      podNetns: netnsFromCniCache(),
    },
    problems,
  };
  if (opts.log) printStatus(st, opts.log);
  return st;
}

export function printStatus(st: LabStatus, log: LabLog): void {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  log(`lab: ${st.up ? 'UP' : 'DOWN'} — ${st.dir}${fs.existsSync(st.dir) ? '' : ' (absent)'}`);
  log(`lab:   CRI endpoint  ${st.endpoint}`);
  log(
    `lab:   containerd    ${st.containerd.running ? `pid ${st.containerd.pid}` : 'not running'}${st.containerd.version ? `, version ${st.containerd.version}` : ''}${st.containerd.snapshotter ? `, snapshotter ${st.containerd.snapshotter}` : ''}`,
  );
  log(`lab:   registry      ${st.registry.running ? `pid ${st.registry.pid}, ${st.registry.url}, answers ${yes(st.registry.answers)}` : 'not running'}`);
  for (const i of st.images) log(`lab:   image         ${i.ref} ${i.inRegistry ? (i.digest ?? '') : '(not in registry)'}`);
  log(
    `lab:   network       ${st.network.bridge} ${st.network.bridgeUp ? 'present' : 'absent'}, ${st.network.subnet}, ${st.network.veths.length} veth(s), ${st.network.podNetns.length} pod netns`,
  );
  log(`lab:   packages      ${st.packages.map((p) => `${p.name}${p.installed ? '' : ' (missing)'}`).join(', ')}`);
  if (st.installedByLab.length) log(`lab:   installed by the lab: ${st.installedByLab.join(' ')}`);
  for (const pr of st.problems) log(`lab:   problem: ${pr}`);
}

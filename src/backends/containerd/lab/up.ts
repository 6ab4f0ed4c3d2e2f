/**
 * `crilab lab up`: packages, lab dir, CNI config, registry, images, containerd — each step
 * printed as it runs, each one skipped when already done, so running it twice is fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { addToPackagesRecord, installPackages, LAB_PACKAGES, missingPackages } from './apt.js';
import { labCgroupDirs } from './cgroups.js';
import { cniConfListText } from './cni-config.js';
import { containerdConfigToml, hostsFiles, type Snapshotter } from './containerd-config.js';
import { containerdVersion, pluginStatus } from './ctr.js';
import { MANUAL_INSTALL_HINT, preflight } from './host.js';
import { LAB_IMAGES } from './images.js';
import { createLayout, labDirProblem, missingAncestors } from './layout.js';
import { acquireLabLock } from './lock.js';
import { linkExists, listNetns, readIpForward } from './network.js';
import { buildImage, readBusybox, writeOciLayout, type BuiltImage } from './oci-image.js';
import {
  CNI_BIN_DIR,
  CNI_CACHE_DIR,
  CONTAINERD_RUN_DIR,
  DEFAULT_REGISTRY_PORT,
  LAB_NETWORK,
  NETNS_DIR,
  REGISTRY_HOST,
  labPaths,
  resolveLabDir,
  socketPathProblems,
  type LabPaths,
} from './paths.js';
import { allPids, pidArgv, pidMatches, spawnDetached, waitFor, which } from './process.js';
import { pushImage, portTaken, registryAnswers, registryConfigYaml, remoteDigest, REGISTRY_BINARY } from './registry.js';
import { chooseSnapshotter } from './snapshotter.js';
import { LAB_STATE_VERSION, readLabState, writeLabState, type LabState } from './state.js';
import { LabStepError, runSteps, type LabFailure, type LabLog, type Step } from './steps.js';

export interface LabUpOptions {
  /** lab directory (default: env CRILAB_LAB_DIR, then /var/lib/crilab/lab) */
  dir?: string;
  /** where progress lines go (default: console.log) */
  log?: LabLog;
  /** install missing packages with apt (default true); false fails with the list instead */
  install?: boolean;
  registryPort?: number;
}

export interface LabUpResult {
  ok: boolean;
  failure?: LabFailure;
  paths: LabPaths;
  /** CRI endpoint, `unix://…` */
  endpoint: string;
  /** containerd was already running before this call */
  alreadyUp: boolean;
  containerd?: { pid: number; version: string; snapshotter: string };
  registry?: { pid: number; url: string };
  images: { ref: string; digest: string }[];
  /** dpkg packages this call installed */
  packagesInstalled: string[];
  durationMs: number;
}

const SHORT = LAB_PACKAGES.map((p) => p.name).join(', ');

function tail(file: string, lines = 5): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

/** Everything `up` must know was there before it (first `up` only; kept across re-runs). */
function snapshotHost(p: LabPaths, createdDirs: string[]): LabState['host'] {
  const ipf = readIpForward();
  return {
    createdDirs,
    netnsBefore: listNetns(),
    hadNetnsDir: fs.existsSync(NETNS_DIR),
    hadCniCacheDir: fs.existsSync(CNI_CACHE_DIR),
    hadContainerdRunDir: fs.existsSync(CONTAINERD_RUN_DIR),
    hadBridge: linkExists(LAB_NETWORK.bridge),
    ...(ipf !== undefined ? { ipForwardBefore: ipf } : {}),
    cgroupsBefore: labCgroupDirs(),
  };
}

/** Lab dirs of other crilab labs whose containerd runs now (one lab per host: bridge, CIDR, port). */
export function otherRunningLabs(dir: string): string[] {
  const found = new Set<string>();
  for (const pid of allPids()) {
    const argv = pidArgv(pid);
    if (!argv || argv[0]?.split('/').pop() !== 'containerd') continue;
    const i = argv.indexOf('--config');
    const cfg = i >= 0 ? argv[i + 1] : undefined;
    if (!cfg || path.basename(cfg) !== 'config.toml') continue;
    const d = path.dirname(cfg);
    if (d !== dir && fs.existsSync(path.join(d, 'lab.json'))) found.add(d);
  }
  return [...found];
}

export function containerdRunning(state: LabState | undefined, p: LabPaths): number | undefined {
  const c = state?.containerd;
  return c && pidMatches(c.pid, 'containerd', ['--config', p.config]) ? c.pid : undefined;
}

export function registryRunning(state: LabState | undefined, p: LabPaths): number | undefined {
  const r = state?.registry;
  return r && pidMatches(r.pid, 'docker-registry', [p.registryConfig]) ? r.pid : undefined;
}

export async function labUp(opts: LabUpOptions = {}): Promise<LabUpResult> {
  const t0 = Date.now();
  const log = opts.log ?? ((l: string) => console.log(l));
  const p = labPaths(opts.dir);
  const port = opts.registryPort ?? DEFAULT_REGISTRY_PORT;
  const result: LabUpResult = {
    ok: false,
    paths: p,
    endpoint: `unix://${p.socket}`,
    alreadyUp: false,
    images: [],
    packagesInstalled: [],
    durationMs: 0,
  };
  const pre = preflight();
  if (!pre.ok) {
    log(pre.message ?? 'lab: cannot run here');
    result.failure = { step: 'preflight', reason: pre.message ?? '', fix: MANUAL_INSTALL_HINT };
    result.durationMs = Date.now() - t0;
    return result;
  }

  const release = await acquireLabLock(p.dir, {
    onWait: (pid) => log(`lab: waiting for another crilab lab command (pid ${pid}) on ${p.dir}`),
  });
  try {
    let state: LabState | undefined;
    let built: BuiltImage[] = [];
    let snapshotter: Snapshotter = 'overlayfs';
    const save = () => state && writeLabState(p.labJson, state);
    const need = () => {
      if (!state) throw new Error('internal: lab.json not loaded');
      return state;
    };

    const steps: Step[] = [
      {
        name: 'lab dir',
        title: `lab dir: preparing ${p.dir} (state in lab.json)`,
        fix: `choose another directory with --dir or CRILAB_LAB_DIR`,
        run: async (detail) => {
          const problems = socketPathProblems(p);
          if (problems.length) throw new LabStepError(problems.join('; '), 'use a shorter lab directory with --dir or CRILAB_LAB_DIR');
          const others = otherRunningLabs(p.dir);
          if (others.length) {
            throw new LabStepError(
              `another crilab lab is running at ${others.join(', ')} (one lab per host: they would share ${LAB_NETWORK.bridge} and ${LAB_NETWORK.subnet})`,
              `take it down first: crilab lab down --dir ${others[0]}`,
            );
          }
          const bad = labDirProblem(p.dir);
          if (bad) throw new LabStepError(bad, 'use an empty or new directory with --dir or CRILAB_LAB_DIR');
          state = readLabState(p.labJson);
          if (state) {
            detail(`existing lab (created ${state.createdAt}); reusing it`);
          } else {
            const createdDirs = missingAncestors(p.dir);
            const host = snapshotHost(p, createdDirs);
            const now = new Date().toISOString();
            createLayout(p);
            state = { version: LAB_STATE_VERSION, dir: p.dir, createdAt: now, updatedAt: now, host, packages: { installedByLab: [] }, images: [] };
          }
          createLayout(p);
          save();
        },
      },
      {
        name: 'packages',
        title: `packages: checking ${SHORT}`,
        fix: 'run `apt-get update`, check the machine reaches its Debian mirror, then run `crilab lab up` again',
        run: async (detail) => {
          const missing = await missingPackages();
          if (missing.length === 0) {
            detail('all installed');
          } else {
            const names = missing.map((m) => m.name);
            if (opts.install === false) {
              throw new LabStepError(`missing packages: ${names.join(' ')}`, `apt-get install -y ${names.join(' ')}`);
            }
            detail(`installing with apt-get: ${names.join(' ')}`);
            const t = Date.now();
            const out = await installPackages(names, detail);
            const s = need();
            s.packages.installedByLab = [...new Set([...s.packages.installedByLab, ...out.newlyInstalled])].sort();
            save();
            addToPackagesRecord({ installedByLab: out.newlyInstalled, usersByLab: out.newUsers, groupsByLab: out.newGroups });
            result.packagesInstalled = out.newlyInstalled;
            detail(`installed ${out.newlyInstalled.length} packages in ${((Date.now() - t) / 1000).toFixed(1)} s`);
          }
          const still = await missingPackages();
          if (still.length) {
            throw new Error(`after apt-get, still missing: ${still.map((m) => `${m.name} (${m.provides})`).join(', ')}`);
          }
          const files = ['/usr/bin/ctr', '/usr/bin/containerd-shim-runc-v2', `${CNI_BIN_DIR}/host-local`, `${CNI_BIN_DIR}/loopback`];
          const absent = files.filter((f) => !fs.existsSync(f));
          if (absent.length) throw new Error(`missing ${absent.join(', ')}`);
          for (const cmd of ['runc', 'ctr', 'umount']) {
            if (!which(cmd)) throw new Error(`${cmd} is not in PATH`);
          }
        },
      },
      {
        name: 'cni config',
        title: `CNI: writing bridge ${LAB_NETWORK.bridge} + host-local ${LAB_NETWORK.subnet} → ${p.cniConfList}`,
        fix: `check that ${p.dir} is writable`,
        run: async () => {
          fs.writeFileSync(p.cniConfList, cniConfListText({ ipamDataDir: p.ipamDataDir }));
        },
      },
      {
        name: 'registry',
        title: `registry: starting docker-registry on http://${REGISTRY_HOST}:${port} (storage ${p.registryData})`,
        fix: `see ${p.registryLog}`,
        run: async (detail) => {
          const s = need();
          const running = registryRunning(s, p);
          if (running && (await registryAnswers(s.registry?.port ?? port))) {
            detail(`already running (pid ${running})`);
            return;
          }
          if (await portTaken(port)) {
            throw new LabStepError(
              `${REGISTRY_HOST}:${port} is already in use by another program`,
              `find it with \`ss -ltnp 'sport = :${port}'\` and stop it, or pass --registry-port`,
            );
          }
          fs.writeFileSync(p.registryConfig, registryConfigYaml({ storageDir: p.registryData, port }));
          const argv = ['serve', p.registryConfig];
          const child = await spawnDetached(REGISTRY_BINARY, argv, p.registryLog, p.registryPidFile);
          s.registry = { pid: child.pid, port, startedAt: new Date().toISOString(), argv };
          save();
          const ok = await waitFor(async () => ((await registryAnswers(port)) ? true : pidMatches(child.pid, 'docker-registry', []) ? undefined : false), 15_000, 100);
          if (!ok) throw new Error(`the registry did not answer GET /v2/ on ${REGISTRY_HOST}:${port}: ${tail(p.registryLog) || 'no log'}`);
          detail(`pid ${child.pid}, answering on http://${REGISTRY_HOST}:${port}/v2/`);
          result.registry = { pid: child.pid, url: `http://${REGISTRY_HOST}:${port}` };
        },
      },
      {
        name: 'images',
        title: `images: building ${LAB_IMAGES.map((i) => i.ref).join(', ')} from /bin/busybox → ${p.imagesDir}`,
        fix: 'reinstall busybox-static: `apt-get install --reinstall busybox-static`',
        run: async (detail) => {
          const bb = await readBusybox('/bin/busybox');
          built = await Promise.all(LAB_IMAGES.map((img) => buildImage(img, bb)));
          writeOciLayout(p.imagesDir, built);
          detail(`busybox ${bb.version}, ${bb.applets.length} applets; layer ${((built[1]?.layers[0]?.size ?? 0) / 1024).toFixed(0)} KiB gzip`);
        },
      },
      {
        name: 'push',
        title: `images: pushing to the lab registry ${REGISTRY_HOST}:${port}`,
        fix: `see ${p.registryLog}`,
        run: async (detail) => {
          const s = need();
          const regPort = s.registry?.port ?? port;
          s.images = [];
          for (const b of built) {
            const have = await remoteDigest(regPort, b.image.repository, b.image.tag);
            const digest = have === b.manifest.digest ? have : (await pushImage(regPort, b)).digest;
            s.images.push({ ref: b.image.ref, repository: b.image.repository, tag: b.image.tag, digest });
            detail(`${b.image.ref} ${digest.slice(0, 19)}… ${have === digest ? '(already there)' : '(pushed)'}`);
          }
          result.images = s.images.map((i) => ({ ref: i.ref, digest: i.digest }));
          save();
        },
      },
      {
        name: 'snapshotter',
        title: `snapshotter: checking that overlayfs works under ${p.root}`,
        fix: 'nothing to do: the lab falls back to the native snapshotter',
        run: async (detail) => {
          const s = need();
          if (containerdRunning(s, p) && s.containerd) {
            snapshotter = s.containerd.snapshotter as Snapshotter;
            detail(`containerd is running with ${snapshotter}`);
            return;
          }
          const choice = await chooseSnapshotter(p.root);
          snapshotter = choice.snapshotter;
          detail(choice.reason ? `overlayfs unusable (${choice.reason}); using native (slower, more disk)` : 'overlayfs works');
        },
      },
      {
        name: 'containerd config',
        title: `containerd: writing config → ${p.config} (hosts.toml: docker.io, registry.k8s.io, ${REGISTRY_HOST}:${port} and every other registry → the lab registry)`,
        fix: `check that ${p.dir} is writable`,
        run: async (detail) => {
          const s = need();
          const regPort = s.registry?.port ?? port;
          const toml = containerdConfigToml(p, { snapshotter });
          const running = containerdRunning(s, p);
          const old = fs.existsSync(p.config) ? fs.readFileSync(p.config, 'utf8') : undefined;
          if (running && old !== undefined && old !== toml) {
            detail('containerd is running with an older config; `crilab lab down && crilab lab up` applies the new one');
          } else {
            fs.writeFileSync(p.config, toml);
          }
          for (const [host, text] of Object.entries(hostsFiles(regPort))) {
            fs.mkdirSync(path.join(p.certsDir, host), { recursive: true });
            fs.writeFileSync(path.join(p.certsDir, host, 'hosts.toml'), text);
          }
        },
      },
      {
        name: 'containerd',
        title: `containerd: starting with CRI on ${p.socket}`,
        fix: `see ${p.log}`,
        run: async (detail) => {
          const s = need();
          const running = containerdRunning(s, p);
          if (running) {
            const v = await containerdVersion(p.socket);
            if (v) {
              result.alreadyUp = true;
              result.containerd = { pid: running, version: v, snapshotter: s.containerd?.snapshotter ?? snapshotter };
              detail(`already running: containerd ${v} (pid ${running})`);
              return;
            }
            throw new LabStepError(
              `containerd pid ${running} runs but its socket does not answer`,
              `run \`crilab lab down\` then \`crilab lab up\`; see ${p.log}`,
            );
          }
          fs.rmSync(p.socket, { force: true });
          fs.rmSync(p.ttrpcSocket, { force: true });
          fs.rmSync(p.debugSocket, { force: true });
          const argv = ['--config', p.config];
          const child = await spawnDetached('containerd', argv, p.log, p.pidFile);
          s.containerd = { pid: child.pid, startedAt: new Date().toISOString(), argv, version: '', snapshotter };
          save();
          const version = await waitFor(
            async () => (await containerdVersion(p.socket, 2000)) ?? (pidMatches(child.pid, 'containerd', []) ? undefined : null),
            30_000,
            150,
          );
          if (!version) throw new Error(`containerd ${version === null ? 'exited' : 'did not answer within 30 s'}: ${tail(p.log) || 'no log'}`);
          s.containerd.version = version;
          save();
          const plugins = await pluginStatus(p.socket);
          const cri = plugins.get('io.containerd.grpc.v1/cri');
          const snap = plugins.get(`io.containerd.snapshotter.v1/${snapshotter}`);
          if (cri !== 'ok' || snap !== 'ok') {
            throw new Error(`containerd runs but its CRI plugin is ${cri ?? 'missing'} and snapshotter ${snapshotter} is ${snap ?? 'missing'}: ${tail(p.log)}`);
          }
          result.containerd = { pid: child.pid, version, snapshotter };
          detail(`containerd ${version} (pid ${child.pid}), snapshotter ${snapshotter}, CRI plugin ok`);
        },
      },
    ];

    const outcome = await runSteps(steps, log);
    result.ok = outcome.ok;
    if (outcome.failure) result.failure = outcome.failure;
    const s = state as LabState | undefined;
    if (s?.registry && !result.registry && registryRunning(s, p)) {
      result.registry = { pid: s.registry.pid, url: `http://${REGISTRY_HOST}:${s.registry.port}` };
    }
    result.durationMs = Date.now() - t0;
    if (result.ok) log(`lab: up in ${(result.durationMs / 1000).toFixed(1)} s — CRI endpoint ${result.endpoint}`);
    else if (fs.existsSync(p.labJson)) {
      const dirArg = p.dir === resolveLabDir(undefined) ? '' : ` --dir ${p.dir}`;
      log(`lab: not up; \`crilab lab down${dirArg}\` removes what was created so far`);
    } else log('lab: not up; nothing was changed');
    return result;
  } finally {
    release();
  }
}

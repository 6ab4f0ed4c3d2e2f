/**
 * `crilab lab down`: stops what `lab up` started and removes what it created — pods, containerd
 * and its shims, the registry, mounts, network namespaces, veths, the bridge, iptables rules,
 * libcni's cache, the lab dir and the host dirs the lab caused — using lab.json to know what
 * was there before. Best effort: every step runs, every failure is reported. Running it twice
 * is fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clearPackagesRecord, purgePackages, readPackagesRecord, removeUsersAndGroups } from './apt.js';
import { labCgroupDirs, removeCgroupTree } from './cgroups.js';
import { criRemoveAllPods } from './cri.js';
import { containerNetnsPath, containerdVersion, containers, namespaces, removeAll } from './ctr.js';
import { preflight } from './host.js';
import { labDirProblem } from './layout.js';
import { acquireLabLock } from './lock.js';
import { mountsUnder, unmountAllUnder } from './mounts.js';
import {
  bridgePorts,
  cniCacheFiles,
  CNI_RESULTS_DIR,
  deleteLink,
  deleteNetns,
  linkExists,
  listNetns,
  netnsFromCniCache,
  readIpForward,
  removeLabIptables,
  writeIpForward,
} from './network.js';
import { CNI_CACHE_DIR, CONTAINERD_RUN_DIR, LAB_NETWORK, NETNS_DIR, PACKAGES_RECORD, labPaths, type LabPaths } from './paths.js';
import { allPids, parentPid, pidAlive, pidArgv, terminate } from './process.js';
import { readLabState, type LabState } from './state.js';
import { runSteps, type LabFailure, type LabLog, type Step } from './steps.js';
import { containerdRunning, registryRunning } from './up.js';

export interface LabDownOptions {
  dir?: string;
  log?: LabLog;
  /** also `apt-get purge` the packages `lab up` installed (default: keep them) */
  purgePackages?: boolean;
}

export interface LabDownResult {
  ok: boolean;
  failure?: LabFailure;
  failures: LabFailure[];
  paths: LabPaths;
  /** there was a lab to take down */
  found: boolean;
  removed: {
    pods: number;
    containers: number;
    netns: string[];
    links: string[];
    iptables: string[];
    mounts: string[];
    paths: string[];
    cgroups: string[];
    packages: string[];
  };
  stopped: { containerd?: string; registry?: string; shims: number[] };
  durationMs: number;
}

/** containerd shims serving the lab's containerd (their argv names its socket). */
export function labShimPids(socket: string): number[] {
  return allPids().filter((pid) => {
    const argv = pidArgv(pid);
    const base = argv?.[0]?.split('/').pop() ?? '';
    return base.startsWith('containerd-shim') && argv!.includes(socket) && pidAlive(pid);
  });
}

/** Any containerd or shim on the host other than the lab's (then /run/containerd is not ours to tidy). */
function otherContainerdRunning(socket: string): boolean {
  return allPids().some((pid) => {
    const argv = pidArgv(pid);
    const base = argv?.[0]?.split('/').pop() ?? '';
    return (base === 'containerd' || base.startsWith('containerd-shim')) && !argv!.includes(socket) && pidAlive(pid);
  });
}

/** Removes a directory tree that holds only empty dirs and sockets/FIFOs (never regular files). */
function removeRuntimeLeftovers(dir: string, removed: string[]): void {
  if (!fs.existsSync(dir)) return;
  const walk = (d: string): boolean => {
    let empty = true;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!walk(p)) empty = false;
      } else if (e.isSocket() || e.isFIFO()) {
        fs.rmSync(p, { force: true });
      } else {
        empty = false;
      }
    }
    if (empty) {
      try {
        fs.rmdirSync(d);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  };
  if (walk(dir)) removed.push(dir);
}

function rmdirIfEmpty(dir: string, removed: string[]): void {
  try {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) {
      fs.rmdirSync(dir);
      removed.push(dir);
    }
  } catch {
    /* not empty or in use: leave it */
  }
}

export async function labDown(opts: LabDownOptions = {}): Promise<LabDownResult> {
  const t0 = Date.now();
  const log = opts.log ?? ((l: string) => console.log(l));
  const p = labPaths(opts.dir);
  const result: LabDownResult = {
    ok: false,
    failures: [],
    paths: p,
    found: false,
    removed: { pods: 0, containers: 0, netns: [], links: [], iptables: [], mounts: [], paths: [], cgroups: [], packages: [] },
    stopped: { shims: [] },
    durationMs: 0,
  };
  const pre = preflight();
  if (!pre.ok && !(pre.linux && pre.root)) {
    log(pre.message ?? 'lab: cannot run here');
    result.failure = { step: 'preflight', reason: pre.message ?? '', fix: 'run as root on Linux' };
    result.failures.push(result.failure);
    return result;
  }
  const release = await acquireLabLock(p.dir, {
    onWait: (pid) => log(`lab: waiting for another crilab lab command (pid ${pid}) on ${p.dir}`),
  });
  try {
    let state: LabState | undefined;
    try {
      state = readLabState(p.labJson);
    } catch (err) {
      log(`lab: ${(err as Error).message}; cleaning up by name only`);
    }
    const recorded = readPackagesRecord();
    const found = state !== undefined || fs.existsSync(p.dir);
    if (!found && !(opts.purgePackages && recorded.installedByLab.length > 0)) {
      log(`lab: nothing to do: no lab at ${p.dir}`);
      if (recorded.installedByLab.length) log(`lab: packages the lab installed are kept (${PACKAGES_RECORD}); --purge-packages removes them`);
      result.ok = true;
      result.durationMs = Date.now() - t0;
      return result;
    }
    result.found = found;
    // Without lab.json: assume everything outside the lab dir was there before (touch nothing of it)
    // except what carries the lab's own names (bridge crilab0, the CNI network "crilab").
    const host: LabState['host'] = state?.host ?? {
      createdDirs: [],
      netnsBefore: [],
      hadNetnsDir: true,
      hadCniCacheDir: true,
      hadContainerdRunDir: true,
      hadBridge: false,
      cgroupsBefore: labCgroupDirs(),
    };
    const installedByLab = [...new Set([...(state?.packages.installedByLab ?? []), ...recorded.installedByLab])].sort();
    const podNetns = new Set<string>();
    const inNetnsDir = (p0: string | undefined) => {
      if (!p0) return undefined;
      const dir = path.dirname(p0);
      return dir === NETNS_DIR || dir === '/run/netns' ? path.basename(p0) : undefined;
    };

    const steps: Step[] = [
      {
        name: 'pods',
        title: `pods: stopping the pod sandboxes and containers of this containerd (${p.socket})`,
        fix: `stop them by hand: ctr --address ${p.socket} -n k8s.io tasks kill --all <id>, then run \`crilab lab down\` again`,
        run: async (detail) => {
          const pid = containerdRunning(state, p);
          if (!pid || !(await containerdVersion(p.socket))) {
            detail('containerd is not running');
            return;
          }
          const nss = await namespaces(p.socket);
          for (const ns of nss) {
            for (const id of await containers(p.socket, ns)) {
              const n = inNetnsDir(await containerNetnsPath(p.socket, ns, id));
              if (n) podNetns.add(n);
            }
          }
          try {
            const n = await criRemoveAllPods(p.socket);
            if (n === undefined) detail('no CRI proto in this install: using ctr only');
            else {
              result.removed.pods = n;
              detail(`${n} pod sandbox(es) stopped and removed through CRI`);
            }
          } catch (err) {
            detail(`CRI clean-up failed (${(err as Error).message.split('\n')[0]}); using ctr`);
          }
          for (const ns of nss) result.removed.containers += await removeAll(p.socket, ns);
          if (result.removed.containers) detail(`${result.removed.containers} container(s) killed and deleted with ctr`);
        },
      },
      {
        name: 'containerd',
        title: `containerd: stopping ${state?.containerd ? `pid ${state.containerd.pid}` : 'it'} and its shims`,
        fix: 'kill the pids named above by hand (kill -9 PID), then run `crilab lab down` again',
        run: async (detail) => {
          const pid = containerdRunning(state, p);
          if (pid) {
            const how = await terminate(pid, 10_000);
            result.stopped.containerd = how;
            if (how === 'survived') throw new Error(`containerd pid ${pid} survived SIGKILL`);
            detail(`containerd pid ${pid} ${how}`);
          } else {
            detail('containerd was not running');
          }
          for (const shim of labShimPids(p.socket)) {
            const children = allPids().filter((c) => parentPid(c) === shim);
            for (const c of children) {
              try {
                process.kill(c, 'SIGKILL');
              } catch {
                /* gone */
              }
            }
            const how = await terminate(shim, 3000);
            result.stopped.shims.push(shim);
            detail(`shim pid ${shim} ${how}${children.length ? ` (after killing ${children.length} container process(es))` : ''}`);
            if (how === 'survived') throw new Error(`shim pid ${shim} survived SIGKILL`);
          }
        },
      },
      {
        name: 'registry',
        title: `registry: stopping ${state?.registry ? `pid ${state.registry.pid}` : 'it'}`,
        fix: 'kill the registry pid by hand, then run `crilab lab down` again',
        run: async (detail) => {
          const pid = registryRunning(state, p);
          if (!pid) {
            detail('the registry was not running');
            return;
          }
          const how = await terminate(pid, 5000);
          result.stopped.registry = how;
          if (how === 'survived') throw new Error(`registry pid ${pid} survived SIGKILL`);
          detail(`registry pid ${pid} ${how}`);
        },
      },
      {
        name: 'mounts',
        title: `mounts: unmounting everything under ${p.dir}`,
        fix: `find them with \`grep ${p.dir} /proc/self/mountinfo\`, unmount them (umount -l PATH), then run \`crilab lab down\` again`,
        run: async (detail) => {
          result.removed.mounts = await unmountAllUnder(p.dir);
          detail(result.removed.mounts.length ? `${result.removed.mounts.length} unmounted` : 'none');
        },
      },
      {
        name: 'netns',
        title: `netns: deleting the pods' network namespaces in ${NETNS_DIR}`,
        fix: 'delete them by hand with `ip netns delete NAME`',
        run: async (detail) => {
          for (const n of netnsFromCniCache()) podNetns.add(n);
          const before = new Set(host.netnsBefore);
          const present = new Set(listNetns());
          const mine = [...podNetns].filter((n) => n.startsWith('cni-') && !before.has(n) && present.has(n)).sort();
          for (const n of mine) {
            await deleteNetns(n);
            result.removed.netns.push(n);
          }
          detail(mine.length ? `deleted ${mine.join(', ')}` : 'none left');
        },
      },
      {
        name: 'network',
        title: `network: removing veths on ${LAB_NETWORK.bridge}, the bridge, iptables rules for ${LAB_NETWORK.subnet}, libcni's cache`,
        fix: `remove them by hand: ip link delete ${LAB_NETWORK.bridge}; iptables-save | grep ${LAB_NETWORK.subnet}`,
        run: async (detail) => {
          if (!host.hadBridge || !state) {
            for (const v of bridgePorts(LAB_NETWORK.bridge)) {
              await deleteLink(v);
              result.removed.links.push(v);
            }
            if (linkExists(LAB_NETWORK.bridge)) {
              await deleteLink(LAB_NETWORK.bridge);
              result.removed.links.push(LAB_NETWORK.bridge);
            }
          } else {
            detail(`${LAB_NETWORK.bridge} existed before the lab: kept`);
          }
          result.removed.iptables = await removeLabIptables();
          for (const f of cniCacheFiles()) {
            fs.rmSync(f, { force: true });
            result.removed.paths.push(f);
          }
          const now = readIpForward();
          if (host.ipForwardBefore === '0' && now === '1') {
            writeIpForward('0');
            detail('net.ipv4.ip_forward back to 0 (the bridge plugin set it to 1 for the gateway)');
          }
          detail(
            `links: ${result.removed.links.join(', ') || 'none'}; iptables rules: ${result.removed.iptables.length}; cache files: ${result.removed.paths.length}`,
          );
        },
      },
      {
        name: 'packages',
        title: opts.purgePackages
          ? `packages: purging what the lab installed${installedByLab.length ? ` (${installedByLab.length})` : ''}`
          : 'packages: keeping them',
        fix: `purge them by hand: apt-get purge ${installedByLab.join(' ')}`,
        run: async (detail) => {
          if (!opts.purgePackages) {
            if (installedByLab.length) {
              detail(`kept what the lab installed (${installedByLab.join(' ')}), listed in ${PACKAGES_RECORD}; \`crilab lab down --purge-packages\` removes them`);
            }
            return;
          }
          if (installedByLab.length === 0) {
            detail('the lab installed none');
            return;
          }
          await purgePackages(installedByLab);
          result.removed.packages = installedByLab;
          detail(`purged ${installedByLab.join(' ')}`);
          const accounts = await removeUsersAndGroups(recorded.usersByLab, recorded.groupsByLab);
          if (accounts.length) detail(`removed ${accounts.join(', ')} (created by the packages' scripts)`);
          clearPackagesRecord();
        },
      },
      {
        name: 'files',
        title: `files: removing ${p.dir} and what the lab left in ${CONTAINERD_RUN_DIR}, ${NETNS_DIR}, ${CNI_CACHE_DIR} and cgroups`,
        fix: `check what is still mounted or in use under ${p.dir}, then run \`crilab lab down\` again`,
        run: async (detail) => {
          const left = mountsUnder(p.dir);
          if (left.length) throw new Error(`still mounted under ${p.dir}: ${left.map((m) => m.mountPoint).join(', ')}`);
          const bad = labDirProblem(p.dir);
          if (bad) throw new Error(`not removing ${p.dir}: ${bad}`);
          if (labShimPids(p.socket).length || containerdRunning(state, p)) throw new Error('processes of the lab are still running');
          if (fs.existsSync(p.dir)) {
            fs.rmSync(p.dir, { recursive: true, force: true });
            result.removed.paths.push(p.dir);
          }
          if (!host.hadContainerdRunDir && !otherContainerdRunning(p.socket)) removeRuntimeLeftovers(CONTAINERD_RUN_DIR, result.removed.paths);
          if (!host.hadNetnsDir) rmdirIfEmpty(NETNS_DIR, result.removed.paths);
          rmdirIfEmpty(CNI_RESULTS_DIR, result.removed.paths);
          if (!host.hadCniCacheDir) rmdirIfEmpty(CNI_CACHE_DIR, result.removed.paths);
          const before = new Set(host.cgroupsBefore);
          for (const cg of labCgroupDirs().filter((d) => !before.has(d))) {
            const r = removeCgroupTree(cg);
            result.removed.cgroups.push(...r.removed);
            if (r.busy.length) detail(`cgroup ${cg} still in use: kept`);
          }
          for (const d of [...host.createdDirs].reverse()) rmdirIfEmpty(d, result.removed.paths);
          detail(`removed ${result.removed.paths.length} path(s), ${result.removed.cgroups.length} cgroup dir(s)`);
        },
      },
    ];

    const toRun = found ? steps : steps.filter((st) => st.name === 'packages');
    const outcome = await runSteps(toRun, log, { continueOnError: true });
    result.ok = outcome.ok;
    result.failures = outcome.failures;
    if (outcome.failure) result.failure = outcome.failure;
    result.durationMs = Date.now() - t0;
    log(result.ok ? `lab: down in ${(result.durationMs / 1000).toFixed(1)} s` : `lab: down finished with ${outcome.failures.length} failed step(s)`);
    return result;
  } finally {
    release();
  }
}


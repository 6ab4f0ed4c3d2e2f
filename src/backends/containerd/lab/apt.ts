/** The Debian packages the lab needs, and installing/purging them with apt. */
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGES_RECORD } from './paths.js';
import { run, failureText, which } from './process.js';
import { systemdRunning } from './host.js';

export interface LabPackage {
  name: string;
  /** a file the package must provide; checked after install */
  provides: string;
  why: string;
}

export const LAB_PACKAGES: readonly LabPackage[] = [
  { name: 'containerd', provides: '/usr/bin/containerd', why: 'containerd with its CRI plugin, and ctr' },
  { name: 'runc', provides: '/usr/sbin/runc', why: 'the OCI runtime containerd uses' },
  { name: 'containernetworking-plugins', provides: '/usr/lib/cni/bridge', why: 'CNI plugins bridge, host-local, loopback' },
  { name: 'busybox-static', provides: '/bin/busybox', why: 'a static busybox to build the images from' },
  { name: 'docker-registry', provides: '/usr/bin/docker-registry', why: 'a local OCI registry for real pulls' },
  { name: 'iproute2', provides: '/usr/sbin/ip', why: '`ip` to inspect and clean network namespaces and links' },
];

/** systemd units the lab's packages ship; never started by the lab, disabled if the lab installed them. */
const PACKAGE_UNITS: Record<string, string> = { containerd: 'containerd.service', 'docker-registry': 'docker-registry.service' };

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Installed packages as `name:arch` (dpkg status `ii`). */
export async function installedPackages(): Promise<Set<string>> {
  const r = await run('dpkg-query', ['-W', '-f', '${Package}:${Architecture} ${db:Status-Abbrev}\n']);
  const set = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const [pkg, status] = line.split(' ');
    if (pkg && status?.startsWith('ii')) set.add(pkg);
  }
  return set;
}

/** Which of the lab's packages are missing (not installed, or installed but the file is absent). */
export async function missingPackages(): Promise<LabPackage[]> {
  const installed = await installedPackages();
  const names = new Set([...installed].map((p) => p.split(':')[0]));
  return LAB_PACKAGES.filter((p) => !names.has(p.name) || !fs.existsSync(p.provides));
}

/**
 * Keeps package scripts from starting services while apt runs: Debian's policy-rc.d
 * convention (honoured by invoke-rc.d and deb-systemd-invoke). Only created if absent.
 */
async function withServicesBlocked<T>(fn: () => Promise<T>): Promise<T> {
  let created = false;
  if (!fs.existsSync(POLICY_RC_D)) {
    fs.writeFileSync(POLICY_RC_D, '#!/bin/sh\n# written by crilab lab while apt runs; removed right after\nexit 101\n', { mode: 0o755 });
    created = true;
  }
  try {
    return await fn();
  } finally {
    if (created) fs.rmSync(POLICY_RC_D, { force: true });
  }
}

export interface InstallOutcome {
  /** every package dpkg did not have before (the lab's plus their dependencies), `name:arch` */
  newlyInstalled: string[];
  /** system users and groups the packages' scripts created (e.g. docker-registry) */
  newUsers: string[];
  newGroups: string[];
  ranUpdate: boolean;
}

function accountNames(file: string): Set<string> {
  try {
    return new Set(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.split(':')[0] ?? '')
        .filter(Boolean),
    );
  } catch {
    return new Set();
  }
}

/**
 * `apt-get install` of the given packages; runs `apt-get update` first when apt cannot find
 * them (fresh machines have no package lists). Throws with apt's own words on failure.
 */
export async function installPackages(names: readonly string[], detail: (l: string) => void): Promise<InstallOutcome> {
  if (!which('apt-get')) throw new Error('apt-get not found');
  const before = await installedPackages();
  const usersBefore = accountNames('/etc/passwd');
  const groupsBefore = accountNames('/etc/group');
  let ranUpdate = false;
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', ...names], {
      env: APT_ENV,
      timeoutMs: 15 * 60_000,
    });
  const r = await withServicesBlocked(async () => {
    let res = await install();
    if (res.code !== 0 && /Unable to locate package|has no installation candidate|404\s+Not Found|Failed to fetch/.test(res.stderr + res.stdout)) {
      detail('apt-get update (package lists missing or stale)');
      const up = await run('apt-get', ['update'], { env: APT_ENV, timeoutMs: 10 * 60_000 });
      ranUpdate = true;
      if (up.code !== 0) throw new Error(failureText('apt-get update', up));
      res = await install();
    }
    return res;
  });
  if (r.code !== 0) throw new Error(failureText(`apt-get install ${names.join(' ')}`, r));
  const after = await installedPackages();
  const newlyInstalled = [...after].filter((p) => !before.has(p)).sort();
  const newUsers = [...accountNames('/etc/passwd')].filter((u) => !usersBefore.has(u)).sort();
  const newGroups = [...accountNames('/etc/group')].filter((g) => !groupsBefore.has(g)).sort();
  if (systemdRunning()) {
    for (const n of names) {
      const unit = PACKAGE_UNITS[n];
      if (!unit) continue;
      // the lab runs its own instances; a freshly installed package must not start one at boot
      const d = await run('systemctl', ['disable', unit]);
      if (d.code === 0) detail(`systemctl disable ${unit} (the lab runs its own instance)`);
    }
  }
  return { newlyInstalled, newUsers, newGroups, ranUpdate };
}

/** `apt-get purge` of exactly the packages the lab installed (recorded in lab.json). */
export async function purgePackages(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const installed = await installedPackages();
  const present = names.filter((n) => installed.has(n));
  if (present.length === 0) return;
  const r = await withServicesBlocked(() =>
    run('apt-get', ['purge', '-y', ...present], { env: APT_ENV, timeoutMs: 15 * 60_000 }),
  );
  if (r.code !== 0) throw new Error(failureText(`apt-get purge ${present.join(' ')}`, r));
}

/* ---------- the host-wide record of what the lab installed ---------- */

export interface PackagesRecord {
  installedByLab: string[];
  /** system users/groups created by those packages' scripts (Debian's purge leaves them) */
  usersByLab: string[];
  groupsByLab: string[];
}

export function readPackagesRecord(file = PACKAGES_RECORD): PackagesRecord {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { installedByLab: list(v['installedByLab']), usersByLab: list(v['usersByLab']), groupsByLab: list(v['groupsByLab']) };
  } catch {
    return { installedByLab: [], usersByLab: [], groupsByLab: [] };
  }
}

export function addToPackagesRecord(add: Partial<PackagesRecord>, file = PACKAGES_RECORD): void {
  const old = readPackagesRecord(file);
  const merge = (a: string[], b: string[] | undefined) => [...new Set([...a, ...(b ?? [])])].sort();
  const rec: PackagesRecord = {
    installedByLab: merge(old.installedByLab, add.installedByLab),
    usersByLab: merge(old.usersByLab, add.usersByLab),
    groupsByLab: merge(old.groupsByLab, add.groupsByLab),
  };
  if (rec.installedByLab.length + rec.usersByLab.length + rec.groupsByLab.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ note: 'what `crilab lab up` installed; `crilab lab down --purge-packages` removes it', ...rec }, null, 2)}\n`,
  );
}

/** Forgets the record (after a purge); removes its directory when that is left empty. */
export function clearPackagesRecord(file = PACKAGES_RECORD): void {
  fs.rmSync(file, { force: true });
  try {
    fs.rmdirSync(path.dirname(file));
  } catch {
    /* not empty (the lab dir may live there) */
  }
}

/** Removes system users and groups the lab's packages created, if no process runs as them. */
export async function removeUsersAndGroups(users: readonly string[], groups: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const passwd = accountNames('/etc/passwd');
  for (const u of users) {
    if (!passwd.has(u)) continue;
    const r = await run('userdel', [u]);
    if (r.code !== 0) throw new Error(failureText(`userdel ${u}`, r));
    removed.push(`user ${u}`);
  }
  const group = accountNames('/etc/group');
  for (const g of groups) {
    if (!group.has(g)) continue;
    const r = await run('groupdel', [g]);
    if (r.code !== 0) throw new Error(failureText(`groupdel ${g}`, r));
    removed.push(`group ${g}`);
  }
  return removed;
}

/**
 * Shared helpers for tests against the real containerd lab (`crilab lab up`).
 *
 * - `labUnavailableReason()`: why the lab cannot run here at all (not Linux/Debian/root).
 * - `useLab()`: brings the lab up (or reuses it) and registers this test process as a user
 *   of it, so `exclusiveLab()` (the `lab down` test) waits until no other test file uses it.
 * - `skipOrFail(ctx, reason)`: skips with a visible reason, or fails when
 *   CRILAB_REQUIRE_CONTAINERD=1 (CI must not silently skip the containerd tests).
 * - `criOnLab()`: a small CRI client on the lab socket (snake_case fields, enums as strings).
 * - host snapshots (`hostNetworkSnapshot()`…) for leak assertions.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { criClient, type LabCriClient } from '../../src/backends/containerd/lab/cri.js';
import { preflight } from '../../src/backends/containerd/lab/host.js';
import { lockDir } from '../../src/backends/containerd/lab/lock.js';
import { LAB_NETWORK, labPaths, type LabPaths } from '../../src/backends/containerd/lab/paths.js';
import { pidAlive } from '../../src/backends/containerd/lab/process.js';
import { labUp, type LabUpResult } from '../../src/backends/containerd/lab/up.js';

export const REQUIRE_CONTAINERD = process.env['CRILAB_REQUIRE_CONTAINERD'] === '1';

/** Why the lab cannot run on this machine at all, or undefined. Cheap and synchronous. */
export function labUnavailableReason(): string | undefined {
  const pre = preflight();
  if (pre.ok) return undefined;
  if (!pre.linux) return `containerd lab needs Linux (this is ${process.platform})`;
  if (!pre.debian) return 'containerd lab needs Debian (no /etc/debian_version)';
  return 'containerd lab needs root';
}

interface SkipContext {
  skip: (note?: string) => never;
}

/** Skips the running test with the reason, or throws when CRILAB_REQUIRE_CONTAINERD=1. */
export function skipOrFail(ctx: SkipContext, reason: string): never {
  if (REQUIRE_CONTAINERD) throw new Error(`CRILAB_REQUIRE_CONTAINERD=1 but ${reason}`);
  console.warn(`[containerd lab] skipped: ${reason}`);
  return ctx.skip(reason);
}

/* ---------- users of the lab (shared) vs. the `lab down` test (exclusive) ---------- */

const usersDir = () => path.join(lockDir(), 'crilab-lab-users');
const writerFile = () => path.join(usersDir(), 'exclusive');
const myUserFile = () => path.join(usersDir(), `user-${process.pid}`);

function livePid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes a file in the users dir, (re)creating the dir: another process may just have removed it. */
function writeUsersFile(file: string, flag: 'w' | 'wx' = 'w'): void {
  for (let i = 0; ; i++) {
    fs.mkdirSync(usersDir(), { recursive: true });
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || i > 5) throw err;
    }
  }
}

/** Leaves no trace: removes the users dir once nobody is in it. */
function tidyUsersDir(): void {
  try {
    fs.rmdirSync(usersDir());
  } catch {
    /* not empty, or gone */
  }
}

/** Registers this process as a lab user, waiting while an exclusive holder (the down test) runs. */
async function registerUser(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    writeUsersFile(myUserFile());
    const w = livePid(writerFile());
    if (w === undefined || w === process.pid) return;
    fs.rmSync(myUserFile(), { force: true }); // back off while `lab down` is tested
    if (Date.now() > deadline) throw new Error(`the containerd lab is held exclusively by pid ${w}`);
    await sleep(250);
  }
}

export function releaseLab(): void {
  fs.rmSync(myUserFile(), { force: true });
  tidyUsersDir();
}

/**
 * Takes the lab for this process alone (for tests that take it down): announces itself, then
 * waits until no other live process uses it. Returns the release function.
 */
export async function exclusiveLab(timeoutMs = 5 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeUsersFile(writerFile(), 'wx');
      break;
    } catch {
      const w = livePid(writerFile());
      if (w === process.pid) break; // already ours
      if (w === undefined) fs.rmSync(writerFile(), { force: true });
      else if (Date.now() > deadline) throw new Error('another test holds the containerd lab exclusively');
      else await sleep(250);
    }
  }
  for (;;) {
    fs.mkdirSync(usersDir(), { recursive: true });
    const others = fs
      .readdirSync(usersDir())
      .filter((f) => f.startsWith('user-'))
      .map((f) => path.join(usersDir(), f))
      .filter((f) => {
        const pid = livePid(f);
        if (pid === undefined) fs.rmSync(f, { force: true });
        return pid !== undefined && pid !== process.pid;
      });
    if (others.length === 0) break;
    if (Date.now() > deadline) {
      fs.rmSync(writerFile(), { force: true });
      throw new Error(`the containerd lab is still used by ${others.map((f) => path.basename(f)).join(', ')}`);
    }
    await sleep(250);
  }
  return () => {
    if (livePid(writerFile()) === process.pid) fs.rmSync(writerFile(), { force: true });
    tidyUsersDir();
  };
}

/* ---------- bringing the lab up ---------- */

export interface LabHandle {
  paths: LabPaths;
  /** `unix:///…/containerd.sock` */
  endpoint: string;
  socket: string;
  up: LabUpResult;
}

export type LabAvailability = { ok: true; lab: LabHandle } | { ok: false; reason: string };

let upOnce: Promise<LabAvailability> | undefined;

/**
 * Brings the lab up (installing packages if needed; reuses a running lab) and registers this
 * process as a user. Resolves to the lab or to the reason it is unavailable. Call `releaseLab()`
 * in afterAll.
 */
export function useLab(opts: { log?: (line: string) => void; timeoutMs?: number } = {}): Promise<LabAvailability> {
  upOnce ??= (async (): Promise<LabAvailability> => {
    const why = labUnavailableReason();
    if (why) return { ok: false, reason: why };
    await registerUser(opts.timeoutMs ?? 5 * 60_000);
    const lines: string[] = [];
    const up = await labUp({ log: opts.log ?? ((l) => lines.push(l)) });
    if (!up.ok) {
      releaseLab();
      const f = up.failure;
      return { ok: false, reason: `crilab lab up failed at step "${f?.step}": ${f?.reason} (fix: ${f?.fix})` };
    }
    return { ok: true, lab: { paths: up.paths, endpoint: up.endpoint, socket: up.paths.socket, up } };
  })();
  const p = upOnce;
  // a later call after releaseLab() must register again
  return p.then(async (a) => {
    if (a.ok && !fs.existsSync(myUserFile())) await registerUser(opts.timeoutMs ?? 5 * 60_000);
    return a;
  });
}

/** Forget the cached `useLab()` result (after a test took the lab down). */
export function forgetLab(): void {
  upOnce = undefined;
}

/* ---------- CRI ---------- */

/** A CRI client on the lab socket; throws if the project has no CRI proto yet. */
export async function criOnLab(socket = labPaths().socket): Promise<LabCriClient> {
  const c = await criClient(socket);
  if (!c) throw new Error('proto/runtime/v1/api.proto is missing: no CRI client');
  return c;
}

/** A minimal PodSandboxConfig the way the kubelet fills it. */
export function podSandboxConfig(name: string, opts: { namespace?: string; uid?: string; logDir?: string } = {}) {
  const namespace = opts.namespace ?? 'default';
  const uid = opts.uid ?? `${name}-uid`;
  return {
    metadata: { name, uid, namespace, attempt: 0 },
    hostname: name,
    log_directory: opts.logDir ?? '',
    labels: { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': namespace, 'io.kubernetes.pod.uid': uid },
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  };
}

/* ---------- host snapshots for leak checks ---------- */

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

export interface IpLink {
  ifname: string;
  master?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string };
}

export function ipLinks(): IpLink[] {
  const out = sh('ip', ['-j', '-d', 'link', 'show']);
  return out ? (JSON.parse(out) as IpLink[]) : [];
}

export function netnsNames(): string[] {
  return sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean)
    .sort();
}

/** iptables-save lines mentioning the lab's pod CIDR ([] when iptables is not installed). */
export function iptablesLinesForLab(): string[] {
  return sh('iptables-save', [])
    .split('\n')
    .filter((l) => l.includes(LAB_NETWORK.subnet) || l.includes(`"${LAB_NETWORK.name}"`) || l.includes(`\\"${LAB_NETWORK.name}\\"`));
}

/** Processes whose command line mentions `needle` (e.g. the lab dir or socket). */
export function processesMentioning(needle: string): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const argv = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.some((a) => a.includes(needle)) && pidAlive(Number(n))) out.push({ pid: Number(n), argv });
    } catch {
      /* gone */
    }
  }
  return out;
}

export function mountPointsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

export function ipForward(): string {
  return fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
}

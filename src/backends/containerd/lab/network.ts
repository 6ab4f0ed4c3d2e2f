/**
 * The host-side network traces of the lab's pods: network namespaces, the crilab0 bridge and
 * its veths, iptables rules for the pod CIDR, libcni's result cache, ip_forward.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CNI_CACHE_DIR, LAB_NETWORK, NETNS_DIR } from './paths.js';
import { readMounts } from './mounts.js';
import { run, failureText, which } from './process.js';

/* ---------- network namespaces ---------- */

export function listNetns(): string[] {
  try {
    return fs.readdirSync(NETNS_DIR).sort();
  } catch {
    return [];
  }
}

/** Unmounts and removes /var/run/netns/NAME (what `ip netns delete` does). */
export async function deleteNetns(name: string): Promise<void> {
  if (name.includes('/') || name === '.' || name === '..') throw new Error(`bad netns name ${name}`);
  const p = path.join(NETNS_DIR, name);
  const real = fs.existsSync(p) ? fs.realpathSync(p) : p;
  const dirReal = fs.existsSync(NETNS_DIR) ? fs.realpathSync(NETNS_DIR) : NETNS_DIR;
  const alt = path.join(dirReal, name);
  for (let i = 0; i < 5; i++) {
    const mounted = readMounts().some((m) => m.mountPoint === real || m.mountPoint === alt);
    if (!mounted) break;
    let r = await run('umount', ['-n', real]);
    if (r.code !== 0) r = await run('umount', ['-n', '-l', real]);
    if (r.code !== 0) throw new Error(failureText(`umount ${real}`, r));
  }
  fs.rmSync(p, { force: true });
}

/* ---------- libcni result cache ---------- */

export const CNI_RESULTS_DIR = path.join(CNI_CACHE_DIR, 'results');

/** containerd's CRI plugin adds its own loopback network under this name. */
const CRI_LOOPBACK_NETWORK = 'cni-loopback';

/**
 * libcni's cache files of the lab's pods: results/<network>-<containerID>-<ifname> for the
 * lab's network, plus containerd's loopback network entries of the same sandboxes.
 */
export function cniCacheFiles(): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(CNI_RESULTS_DIR);
  } catch {
    return [];
  }
  const ours = names.filter((f) => f.startsWith(`${LAB_NETWORK.name}-`));
  const ids = new Set(ours.map((f) => f.slice(LAB_NETWORK.name.length + 1).split('-')[0]));
  const loopback = names.filter((f) => {
    if (!f.startsWith(`${CRI_LOOPBACK_NETWORK}-`)) return false;
    return ids.has(f.slice(CRI_LOOPBACK_NETWORK.length + 1).split('-')[0]);
  });
  return [...ours, ...loopback].sort().map((f) => path.join(CNI_RESULTS_DIR, f));
}

/** Netns names (cni-…) that the lab's network was attached to, from libcni's cache. */
export function netnsFromCniCache(): string[] {
  const names = new Set<string>();
  for (const f of cniCacheFiles().filter((f) => path.basename(f).startsWith(`${LAB_NETWORK.name}-`))) {
    try {
      const cached = JSON.parse(fs.readFileSync(f, 'utf8')) as { result?: { interfaces?: { sandbox?: string }[] } };
      for (const i of cached.result?.interfaces ?? []) {
        if (i.sandbox) names.add(path.basename(i.sandbox));
      }
    } catch {
      /* unreadable: skip */
    }
  }
  return [...names].sort();
}

/* ---------- links ---------- */

export function linkExists(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}

/** Ports of a Linux bridge (the host ends of pod veths). */
export function bridgePorts(bridge: string): string[] {
  try {
    return fs.readdirSync(`/sys/class/net/${bridge}/brif`).sort();
  } catch {
    return [];
  }
}

export async function deleteLink(name: string): Promise<void> {
  if (!linkExists(name)) return;
  const r = await run('ip', ['link', 'delete', name]);
  if (r.code !== 0 && linkExists(name)) throw new Error(failureText(`ip link delete ${name}`, r));
}

/* ---------- iptables ---------- */

/** Splits an iptables-save rule line like a shell would (double quotes, backslash escapes). */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (c === '"') {
      inQ = !inQ;
      has = true;
    } else if (c === ' ' && !inQ) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

export interface IptablesRule {
  table: string;
  chain: string;
  line: string;
  args: string[];
  jump?: string;
}

export function parseIptablesSave(text: string): { rules: IptablesRule[]; chains: { table: string; chain: string }[] } {
  const rules: IptablesRule[] = [];
  const chains: { table: string; chain: string }[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith(':')) chains.push({ table, chain: line.slice(1).split(' ')[0] ?? '' });
    else if (line.startsWith('-A ')) {
      const args = splitRule(line);
      const j = args.indexOf('-j');
      const g = args.indexOf('-g');
      const k = j >= 0 ? j : g;
      rules.push({ table, chain: args[1] ?? '', line, args, ...(k >= 0 && args[k + 1] ? { jump: args[k + 1] as string } : {}) });
    }
  }
  return { rules, chains };
}

/** Rules of the lab: they mention the pod CIDR or carry the CNI comment of the lab's network. */
export function isLabRule(r: IptablesRule): boolean {
  return r.line.includes(LAB_NETWORK.subnet) || r.line.includes(`name: \\"${LAB_NETWORK.name}\\"`) || r.line.includes(`name: "${LAB_NETWORK.name}"`);
}

export async function iptablesSave(): Promise<string | undefined> {
  if (!which('iptables-save')) return undefined;
  const r = await run('iptables-save', []);
  return r.code === 0 ? r.stdout : undefined;
}

/** Deletes the lab's iptables rules and the CNI-* chains only they jumped to; returns what went. */
export async function removeLabIptables(): Promise<string[]> {
  const text = await iptablesSave();
  if (text === undefined) return [];
  const { rules } = parseIptablesSave(text);
  const mine = rules.filter(isLabRule);
  const removed: string[] = [];
  for (const r of mine) {
    const del = await run('iptables', ['-t', r.table, '-D', ...r.args.slice(1)]);
    if (del.code !== 0) throw new Error(failureText(`iptables -t ${r.table} -D ${r.args.slice(1).join(' ')}`, del));
    removed.push(`-t ${r.table} ${r.line}`);
  }
  const targets = new Set(mine.filter((r) => r.jump?.startsWith('CNI-')).map((r) => `${r.table}\0${r.jump}`));
  if (targets.size > 0) {
    const after = parseIptablesSave((await iptablesSave()) ?? '');
    for (const t of targets) {
      const [table, chain] = t.split('\0') as [string, string];
      if (after.rules.some((r) => r.table === table && r.jump === chain)) continue; // still used
      await run('iptables', ['-t', table, '-F', chain]);
      const x = await run('iptables', ['-t', table, '-X', chain]);
      if (x.code === 0) removed.push(`-t ${table} -X ${chain}`);
    }
  }
  return removed;
}

/* ---------- ip_forward ---------- */

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export function readIpForward(): string | undefined {
  try {
    return fs.readFileSync(IP_FORWARD, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function writeIpForward(v: string): void {
  fs.writeFileSync(IP_FORWARD, `${v}\n`);
}

import fs from 'node:fs';
import path from 'node:path';
import { LAB_NETWORK } from './lab/paths.js';

/**
 * host-local (the lab's IPAM) keeps, per network, one file per reserved address (named by the
 * IP) and `last_reserved_ip.<range>`; it hands out the first free address AFTER the last one
 * it reserved, so a lab that has run pods before gives a new pod .7 where a fresh node (and the
 * simulator) gives .2. When no address is reserved at all, forgetting the last one makes the
 * lab behave as a fresh node; with any address still reserved (a pod is running, crilab's or
 * not) nothing is touched.
 */
export function freshenLabIpam(ipamDataDir: string): 'reset' | 'in-use' | 'fresh' {
  const dir = path.join(ipamDataDir, LAB_NETWORK.name);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 'fresh';
  }
  if (names.some((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n) || n.includes(':'))) return 'in-use';
  const last = names.filter((n) => n.startsWith('last_reserved_ip.'));
  for (const n of last) fs.rmSync(path.join(dir, n), { force: true });
  return last.length ? 'reset' : 'fresh';
}

/**
 * IPv4 addresses as unsigned 32-bit numbers. crilab's pod network is IPv4-only (see
 * docs/network.md), so this is all the address arithmetic host-local needs: next address,
 * compare, subnet membership, and the first/last address of a subnet.
 */

export interface Ipv4Subnet {
  /** The network address, e.g. 10.244.0.0 as a number. */
  network: number;
  prefixLength: number;
}

export function parseIpv4(text: string): number {
  const parts = text.trim().split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${text}"`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) throw new Error(`invalid IPv4 address "${text}"`);
    const octet = Number(part);
    if (octet > 255) throw new Error(`invalid IPv4 address "${text}"`);
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  // Spelled out: every CNI ADD and DEL formats a few addresses.
  return `${Math.floor(value / 0x1000000) % 256}.${Math.floor(value / 0x10000) % 256}.${Math.floor(value / 0x100) % 256}.${Math.floor(value) % 256}`;
}

export function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parse `a.b.c.d/n` without requiring the host bits to be zero (the caller decides). */
export function parseCidr(text: string): { ip: number; prefixLength: number } {
  const [addr, len, extra] = text.split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) {
    throw new Error(`invalid CIDR address: ${text}`);
  }
  const prefixLength = Number(len);
  if (prefixLength > 32) throw new Error(`invalid CIDR address: ${text}`);
  return { ip: parseIpv4(addr), prefixLength };
}

export function subnetContains(subnet: Ipv4Subnet, ip: number): boolean {
  return (ip & maskOf(subnet.prefixLength)) >>> 0 === subnet.network;
}

/** The broadcast address of a subnet (all host bits set). */
export function broadcastOf(subnet: Ipv4Subnet): number {
  return (subnet.network | (~maskOf(subnet.prefixLength) >>> 0)) >>> 0;
}

export function formatCidr(ip: number, prefixLength: number): string {
  return `${formatIpv4(ip)}/${prefixLength}`;
}

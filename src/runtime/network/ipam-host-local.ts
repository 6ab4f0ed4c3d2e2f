import {
  broadcastOf,
  formatCidr,
  formatIpv4,
  maskOf,
  parseCidr,
  parseIpv4,
  subnetContains,
  type Ipv4Subnet,
} from './ipv4.js';

/**
 * A model of the CNI `host-local` IPAM plugin (containernetworking/plugins,
 * plugins/ipam/host-local) for one range set holding one IPv4 range: the same defaults, the
 * same round-robin allocation order, the same keys, the same error texts, and state that
 * mirrors the files host-local keeps under /var/lib/cni/networks/<network>/.
 */

/** host-local's default data directory (`defaultDataDir`, backend/disk/backend.go). */
export const HOST_LOCAL_DATA_DIR = '/var/lib/cni/networks';
/** One file per range set remembers the last IP handed out (`lastIPFilePrefix`, backend/disk/backend.go). */
const LAST_IP_FILE_PREFIX = 'last_reserved_ip.';
/** An IP's file holds `<containerID>\r\n<ifname>` (`LineBreak`, backend/disk/backend.go). */
const LINE_BREAK = '\r\n';
/**
 * host-local numbers range sets by their index in `ranges`; crilab has a single range set, so
 * its ID is always "0" (main.go passes the index to NewIPAllocator).
 */
const RANGE_ID = '0';
/** The pod CIDR crilab's node gets, as a kubeadm + flannel node would (`10.244.0.0/16` cluster, /24 per node). */
export const DEFAULT_POD_SUBNET = '10.244.0.0/24';

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface HostLocalConfig {
  /** The network name from the conflist; host-local keys its data directory by it. */
  network?: string;
  subnet?: string;
  gateway?: string;
  rangeStart?: string;
  rangeEnd?: string;
  /** `ipam.routes`, returned as-is in the result (host-local does not compute routes). */
  routes?: CniRoute[];
  dataDir?: string;
}

/** A canonicalised range, as host-local's `Range.Canonicalize` fills it in. */
export interface HostLocalRange {
  subnet: string;
  gateway: string;
  rangeStart: string;
  rangeEnd: string;
}

export interface IpamIpConfig {
  /** The address with the subnet's prefix length, e.g. `10.244.0.2/24`. */
  address: string;
  gateway: string;
}

export interface IpamResult {
  ips: IpamIpConfig[];
  routes: CniRoute[];
}

export interface HostLocalAllocation {
  ip: string;
  containerId: string;
  ifName: string;
}

/** The files of host-local's data directory for this network: name → contents. */
export interface HostLocalSnapshot {
  network: string;
  dataDir: string;
  files: Record<string, string>;
}

/** An error host-local would print; `message` is the exact text. */
export class IpamError extends Error {
  override name = 'IpamError';
}

interface CanonicalRange {
  subnet: Ipv4Subnet;
  gateway: number;
  rangeStart: number;
  rangeEnd: number;
}

/** `Range.Canonicalize` (backend/allocator/range.go) for IPv4: the same checks and defaults. */
function canonicalize(config: HostLocalConfig): CanonicalRange {
  const subnetText = config.subnet ?? DEFAULT_POD_SUBNET;
  const { ip, prefixLength } = parseCidr(subnetText);
  // A /31 or /32 leaves nothing to hand out once the network and broadcast are set aside.
  if (prefixLength > 30) throw new IpamError(`Network ${subnetText} too small to allocate from`);
  const network = (ip & maskOf(prefixLength)) >>> 0;
  if (network !== ip) {
    throw new IpamError(
      `Network has host bits set. For a subnet mask of length ${prefixLength} the network address is ${formatIpv4(network)}`,
    );
  }
  const subnet: Ipv4Subnet = { network, prefixLength };
  const subnetString = formatCidr(network, prefixLength);
  // No gateway given → host-local claims .1 (network + 1).
  const gateway = config.gateway !== undefined ? parseIpv4(config.gateway) : network + 1;
  // No rangeStart → network + 1, even though that is usually the gateway: the iterator skips it.
  let rangeStart = network + 1;
  if (config.rangeStart !== undefined) {
    rangeStart = parseIpv4(config.rangeStart);
    if (!subnetContains(subnet, rangeStart)) {
      throw new IpamError(`RangeStart ${config.rangeStart} not in network ${subnetString}`);
    }
  }
  // No rangeEnd → the last address before the broadcast.
  let rangeEnd = broadcastOf(subnet) - 1;
  if (config.rangeEnd !== undefined) {
    rangeEnd = parseIpv4(config.rangeEnd);
    if (!subnetContains(subnet, rangeEnd) || rangeEnd < rangeStart) {
      throw new IpamError(`RangeEnd ${config.rangeEnd} not in network ${subnetString}`);
    }
  }
  return { subnet, gateway, rangeStart, rangeEnd };
}

export class HostLocalIpam {
  readonly network: string;
  readonly dataDir: string;
  private readonly r: CanonicalRange;
  private readonly routes: CniRoute[];
  /** IP → owner (`<containerID>\r\n<ifname>`), one entry per file host-local would have written. */
  private readonly reserved = new Map<number, string>();
  private lastReserved: number | null = null;

  constructor(config: HostLocalConfig = {}) {
    this.network = config.network ?? 'crilab';
    this.dataDir = `${config.dataDir ?? HOST_LOCAL_DATA_DIR}/${this.network}`;
    this.r = canonicalize(config);
    this.routes = (config.routes ?? []).map((route) => ({ ...route }));
  }

  get range(): HostLocalRange {
    return {
      subnet: formatCidr(this.r.subnet.network, this.r.subnet.prefixLength),
      gateway: formatIpv4(this.r.gateway),
      rangeStart: formatIpv4(this.r.rangeStart),
      rangeEnd: formatIpv4(this.r.rangeEnd),
    };
  }

  /** `RangeSet.String()`: `<rangeStart>-<rangeEnd>`, e.g. `10.244.0.1-10.244.0.254`. */
  rangeSetString(): string {
    return `${formatIpv4(this.r.rangeStart)}-${formatIpv4(this.r.rangeEnd)}`;
  }

  /** `Range.Contains`: inside the subnet and between rangeStart and rangeEnd. */
  private contains(ip: number): boolean {
    return subnetContains(this.r.subnet, ip) && ip >= this.r.rangeStart && ip <= this.r.rangeEnd;
  }

  /** `Store.Reserve`: create the IP's file unless it exists, then remember it as the last reserved. */
  private reserve(owner: string, ip: number): boolean {
    if (this.reserved.has(ip)) return false;
    this.reserved.set(ip, owner);
    this.lastReserved = ip;
    return true;
  }

  /**
   * The IPs the round-robin iterator (`IPAllocator.GetIter` + `RangeIter.Next`) offers, in
   * order: it starts just after the last reserved IP when that is still in the range (so a
   * crash-looping pod does not get its old IP back until the range has been used up), else at
   * rangeStart; wraps from rangeEnd to rangeStart; skips the gateway; stops when it comes back
   * to where it began. The last reserved IP itself is offered last.
   */
  private *candidates(): Generator<number> {
    const { rangeStart, rangeEnd, gateway } = this.r;
    const resume = this.lastReserved !== null && this.contains(this.lastReserved);
    let cur: number | null = resume ? this.lastReserved : null;
    let startIp: number | null = resume ? null : rangeStart;
    for (;;) {
      if (cur === null) {
        cur = rangeStart;
        startIp = cur;
      } else {
        cur = cur === rangeEnd ? rangeStart : cur + 1;
        if (startIp === null) startIp = cur;
        else if (cur === startIp) return;
      }
      if (cur !== gateway) yield cur;
    }
  }

  /** `Store.GetByID`: the IPs held by this container and interface (or by a legacy bare-ID file). */
  getById(containerId: string, ifName: string): string[] {
    const match = `${containerId.trim()}${LINE_BREAK}${ifName}`;
    const legacy = containerId.trim();
    return this.reservedWhere((owner) => owner === match || owner === legacy).map(formatIpv4);
  }

  /**
   * `IPAllocator.Get`: reserve the requested IP, or the next free one in round-robin order.
   * Throws the allocator's own error text (cmdAdd wraps it; see `add`).
   */
  get(containerId: string, ifName: string, requestedIp?: string): IpamIpConfig {
    const owner = `${containerId.trim()}${LINE_BREAK}${ifName}`;
    const prefix = this.r.subnet.prefixLength;
    const gateway = formatIpv4(this.r.gateway);
    if (requestedIp !== undefined) {
      const ip = parseIpv4(requestedIp);
      if (!this.contains(ip)) throw new IpamError(`${requestedIp} not in range set ${this.rangeSetString()}`);
      if (ip === this.r.gateway) throw new IpamError(`requested ip ${requestedIp} is subnet's gateway`);
      if (!this.reserve(owner, ip)) {
        throw new IpamError(
          `requested IP address ${requestedIp} is not available in range set ${this.rangeSetString()}`,
        );
      }
      return { address: formatCidr(ip, prefix), gateway };
    }
    // The CNI spec forbids a second ADD for the same container and interface without a DEL.
    for (const held of this.getById(containerId, ifName)) {
      if (this.contains(parseIpv4(held))) {
        throw new IpamError(`${held} has been allocated to ${containerId}, duplicate allocation is not allowed`);
      }
    }
    for (const ip of this.candidates()) {
      if (this.reserve(owner, ip)) return { address: formatCidr(ip, prefix), gateway };
    }
    throw new IpamError(`no IP addresses available in range set: ${this.rangeSetString()}`);
  }

  /** host-local `cmdAdd`: one allocation per range set, errors prefixed with the range set's index. */
  add(containerId: string, ifName: string, requestedIp?: string): IpamResult {
    try {
      const ip = this.get(containerId, ifName, requestedIp);
      return { ips: [ip], routes: this.routes.map((route) => ({ ...route })) };
    } catch (err) {
      throw new IpamError(`failed to allocate for range ${RANGE_ID}: ${(err as Error).message}`);
    }
  }

  /**
   * host-local `cmdDel` (`IPAllocator.Release` → `Store.ReleaseByID`): drop every IP this
   * container + interface holds; files written by old versions held only the ID and are
   * matched by it when nothing matched the full key. Releasing nothing is not an error, which
   * is what makes CNI DEL safe to repeat. The last-reserved marker is left alone, so the next
   * ADD still continues after it.
   */
  del(containerId: string, ifName: string): string[] {
    const match = `${containerId.trim()}${LINE_BREAK}${ifName}`;
    let released = this.releaseWhere((owner) => owner === match);
    if (released.length === 0) released = this.releaseWhere((owner) => owner === containerId.trim());
    return released;
  }

  /** Release every IP of a container whatever its interface (leak clean-up, not a CNI verb). */
  releaseContainer(containerId: string): string[] {
    const id = containerId.trim();
    return this.releaseWhere((owner) => owner === id || owner.startsWith(`${id}${LINE_BREAK}`));
  }

  /** host-local `cmdCheck`: the container must hold at least one address. */
  check(containerId: string, ifName: string): void {
    const match = `${containerId.trim()}${LINE_BREAK}${ifName}`;
    const found = [...this.reserved.values()].some((owner) => owner === match || owner === containerId.trim());
    if (!found) throw new IpamError(`host-local: Failed to find address added by container ${containerId}`);
  }

  lastReservedIp(): string | null {
    return this.lastReserved === null ? null : formatIpv4(this.lastReserved);
  }

  allocations(): HostLocalAllocation[] {
    return this.sortedReserved().map(([ip, owner]) => {
      const [containerId = '', ifName = ''] = owner.split(LINE_BREAK);
      return { ip: formatIpv4(ip), containerId, ifName };
    });
  }

  /** How many addresses are still free (the range minus the gateway minus what is reserved). */
  freeCount(): number {
    const { rangeStart, rangeEnd, gateway } = this.r;
    const size = rangeEnd - rangeStart + 1 - (gateway >= rangeStart && gateway <= rangeEnd ? 1 : 0);
    const used = [...this.reserved.keys()].filter((ip) => this.contains(ip) && ip !== gateway).length;
    return size - used;
  }

  /** The data directory's files, as `ls` would list them, so a restart can keep allocations. */
  toJSON(): HostLocalSnapshot {
    const files: Record<string, string> = {};
    const names: Array<[string, string]> = this.sortedReserved().map(([ip, owner]) => [formatIpv4(ip), owner]);
    if (this.lastReserved !== null) names.push([`${LAST_IP_FILE_PREFIX}${RANGE_ID}`, formatIpv4(this.lastReserved)]);
    names.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, contents] of names) files[name] = contents;
    return { network: this.network, dataDir: this.dataDir, files };
  }

  /** Rebuild from `toJSON()` output; `config` must describe the same range the files came from. */
  static fromJSON(snapshot: HostLocalSnapshot, config: HostLocalConfig = {}): HostLocalIpam {
    const ipam = new HostLocalIpam({ network: snapshot.network, ...config });
    for (const [name, contents] of Object.entries(snapshot.files)) {
      if (name.startsWith(LAST_IP_FILE_PREFIX)) {
        if (name === `${LAST_IP_FILE_PREFIX}${RANGE_ID}`) ipam.lastReserved = parseIpv4(contents);
        continue;
      }
      if (name === 'lock') continue; // host-local's flock file; nothing to restore
      ipam.reserved.set(parseIpv4(name), contents);
    }
    return ipam;
  }

  private sortedReserved(): Array<[number, string]> {
    return [...this.reserved.entries()].sort(([a], [b]) => a - b);
  }

  /**
   * The reserved IPs whose owner matches, in address order (the order of host-local's files).
   * Every ADD and DEL asks this about one container: only its few matches are sorted, not
   * every reservation of the node.
   */
  private reservedWhere(pred: (owner: string) => boolean): number[] {
    const found: number[] = [];
    for (const [ip, owner] of this.reserved) if (pred(owner)) found.push(ip);
    return found.length > 1 ? found.sort((a, b) => a - b) : found;
  }

  private releaseWhere(pred: (owner: string) => boolean): string[] {
    const ips = this.reservedWhere(pred);
    for (const ip of ips) this.reserved.delete(ip);
    return ips.map(formatIpv4);
  }
}

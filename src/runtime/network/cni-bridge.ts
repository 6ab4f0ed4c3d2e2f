import type { TraceEmitter } from '../../trace/bus.js';
import type { RuntimeRandom } from '../random.js';
import { HostLocalIpam, type CniRoute } from './ipam-host-local.js';
import type { NetnsRegistry } from './netns.js';

/**
 * The node's CNI set-up as containerd's CRI plugin drives it through go-cni: a `loopback`
 * network (go-cni `WithLoNetwork`, interface `lo`) plus the default network from the first
 * conflist in /etc/cni/net.d, here one `bridge` plugin with `host-local` IPAM. The plugins'
 * effects are simulated on crilab's netns registry (links, addresses) and its host-local
 * model (IPs); their results and error texts follow the real plugins, libcni and go-cni.
 */

/** Where containerd looks for network configs (`NetworkPluginConfDir`, pkg/cri/config/config_unix.go, 1.6). */
export const CNI_CONF_DIR = '/etc/cni/net.d';
export const CRILAB_CONFLIST_PATH = `${CNI_CONF_DIR}/10-crilab.conflist`;
/** containerd names the pod's interface go-cni's `DefaultPrefix` + index: the first network gets `eth0`. */
export const POD_IFNAME = 'eth0';

export interface HostLocalIpamConf {
  type: 'host-local';
  ranges: Array<Array<{ subnet: string; gateway?: string; rangeStart?: string; rangeEnd?: string }>>;
  routes?: CniRoute[];
  dataDir?: string;
}

export interface BridgePluginConf {
  type: 'bridge';
  bridge: string;
  isGateway: boolean;
  isDefaultGateway: boolean;
  ipMasq: boolean;
  hairpinMode: boolean;
  ipam: HostLocalIpamConf;
}

export interface CniConfList {
  cniVersion: string;
  name: string;
  plugins: BridgePluginConf[];
}

/**
 * crilab's conflist. isDefaultGateway (which implies isGateway) makes the bridge plugin add
 * the `0.0.0.0/0 via <gateway>` route itself; ipMasq is off because nothing leaves the node.
 */
export const CRILAB_CONFLIST: CniConfList = {
  cniVersion: '1.0.0',
  name: 'crilab',
  plugins: [
    {
      type: 'bridge',
      bridge: 'crilab0',
      isGateway: true,
      isDefaultGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.0.0/24' }]] },
    },
  ],
};

/** go-cni's loopback network (`WithLoNetwork` in go-cni opts.go). */
export const LOOPBACK_CONFLIST = { cniVersion: '0.3.1', name: 'cni-loopback', plugins: [{ type: 'loopback' }] } as const;

/** The CNI_ARGS containerd passes (`cniNamespaceOpts` in pkg/cri/server/sandbox_run.go, 1.6). */
export interface CniArgs {
  K8S_POD_NAMESPACE: string;
  K8S_POD_NAME: string;
  K8S_POD_INFRA_CONTAINER_ID: string;
  K8S_POD_UID: string;
  IgnoreUnknown?: '1';
  /** host-local's `IP` CNI_ARG: ask for this address (crilab uses it to restore a pod's IP after a runtime restart). */
  IP?: string;
}

export interface CniRequest {
  /** CNI_CONTAINERID: containerd passes the sandbox ID. */
  containerId: string;
  /** CNI_NETNS; empty on a DEL whose namespace is already closed. */
  netnsPath: string;
  ifName?: string;
  args: CniArgs;
}

export interface CniInterface {
  name: string;
  mac: string;
  /** Set for links inside the container's netns. */
  sandbox?: string;
}

export interface CniIpConfig {
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

/** A CNI result (SPEC "Success"), in the conflist's cniVersion. */
export interface CniResult {
  cniVersion: string;
  interfaces: CniInterface[];
  ips: CniIpConfig[];
  routes: CniRoute[];
  dns: Record<string, never>;
}

/** The `NetworkReady` condition of the CRI `Status` response. */
export interface NetworkCondition {
  type: 'NetworkReady';
  status: boolean;
  reason: string;
  message: string;
}

/** containerd's reason when the CNI is not ready (`networkNotReadyReason`, pkg/cri/server/status.go). */
export const NETWORK_NOT_READY_REASON = 'NetworkPluginNotReady';
/** go-cni's `ErrCNINotInitialized` (go-cni errors.go): no usable config was loaded. */
export const CNI_NOT_INITIALIZED = 'cni plugin not initialized';

export class CniError extends Error {
  override name = 'CniError';
}

/** libcni's `pluginDescription`: `type="bridge" name="crilab"`. */
function pluginDescription(type: string, name: string): string {
  return `type="${type}" name="${name}"`;
}

interface BridgeDevice {
  name: string;
  mac: string;
  addresses: string[];
  /** Host-side veths enslaved to the bridge. */
  ports: string[];
}

export interface BridgeInfo extends BridgeDevice {
  hairpinMode: boolean;
}

interface PendingFault {
  remaining: number;
  message: string;
}

export interface SimCniBridgeOptions {
  netns: NetnsRegistry;
  random: RuntimeRandom;
  conflist?: CniConfList;
  /** Share or restore an IPAM store; by default one is built from the conflist's range. */
  ipam?: HostLocalIpam;
  trace?: TraceEmitter;
}

export class SimCniBridge {
  readonly conflist: CniConfList;
  readonly ipam: HostLocalIpam;
  private readonly plugin: BridgePluginConf;
  private readonly netns: NetnsRegistry;
  private readonly random: RuntimeRandom;
  private readonly trace: TraceEmitter | undefined;
  private bridge: BridgeDevice | null = null;
  /** libcni caches each ADD's result under /var/lib/cni/results; DEL removes it. */
  private readonly cache = new Map<string, CniResult>();
  private notReady: { detail: string } | null = null;
  private addFault: PendingFault | null = null;
  private delFault: PendingFault | null = null;

  constructor(options: SimCniBridgeOptions) {
    this.conflist = options.conflist ?? CRILAB_CONFLIST;
    const plugin = this.conflist.plugins[0];
    if (!plugin || plugin.type !== 'bridge') throw new CniError('crilab simulates a conflist with one bridge plugin');
    this.plugin = plugin;
    this.netns = options.netns;
    this.random = options.random;
    this.trace = options.trace;
    const range = plugin.ipam.ranges[0]?.[0];
    if (!range) throw new CniError('host-local needs one range');
    this.ipam =
      options.ipam ??
      new HostLocalIpam({
        network: this.conflist.name,
        ...range,
        ...(plugin.ipam.routes ? { routes: plugin.ipam.routes } : {}),
        ...(plugin.ipam.dataDir ? { dataDir: plugin.ipam.dataDir } : {}),
      });
  }

  // --- status and faults ---------------------------------------------------------------

  /** The CRI Status `NetworkReady` condition containerd reports (pkg/cri/server/status.go). */
  networkCondition(): NetworkCondition {
    if (!this.notReady) return { type: 'NetworkReady', status: true, reason: '', message: '' };
    return {
      type: 'NetworkReady',
      status: false,
      reason: NETWORK_NOT_READY_REASON,
      message: `Network plugin returns error: ${CNI_NOT_INITIALIZED}`,
    };
  }

  ready(): boolean {
    return this.notReady === null;
  }

  /**
   * As if /etc/cni/net.d had no usable config: Status says NetworkReady=false and every ADD
   * and DEL fails with go-cni's "cni plugin not initialized". `detail` is the scenario's
   * explanation (e.g. "the CNI DaemonSet has not written its config yet"), for the trace only.
   */
  setNotReady(detail = `no network config found in ${CNI_CONF_DIR}`): void {
    this.notReady = { detail };
    this.trace?.emit({ kind: 'fault', fault: 'cni-not-ready', target: CNI_CONF_DIR, detail: { detail } });
  }

  setReady(): void {
    this.notReady = null;
  }

  /** Make the next CNI ADD of the bridge plugin fail with `message`. */
  failNextAdd(message: string): void {
    this.failAdds(1, message);
  }

  /** Make the next `count` CNI ADDs fail with `message`. */
  failAdds(count: number, message: string): void {
    this.addFault = count > 0 ? { remaining: count, message } : null;
  }

  /** Make the next CNI DEL of the bridge plugin fail with `message` (before it releases anything). */
  failNextDel(message: string): void {
    this.delFault = { remaining: 1, message };
  }

  clearFaults(): void {
    this.addFault = null;
    this.delFault = null;
  }

  bridgeInfo(): BridgeInfo | null {
    return this.bridge && { ...this.bridge, addresses: [...this.bridge.addresses], ports: [...this.bridge.ports], hairpinMode: this.plugin.hairpinMode };
  }

  /** The cached result of a successful ADD (libcni's results cache), if any. */
  cachedResult(containerId: string, ifName = POD_IFNAME): CniResult | undefined {
    const result = this.cache.get(cacheKey(containerId, ifName));
    return result && copyCniResult(result);
  }

  // --- verbs -----------------------------------------------------------------------------

  /**
   * go-cni `Setup`: loopback, then the bridge network. Returns the bridge network's result
   * (the one holding eth0 and the pod IP). Errors carry libcni's wrapping; containerd adds
   * `failed to setup network for sandbox "<id>": ` in front (see pod-network.ts).
   */
  add(request: CniRequest): CniResult {
    const ifName = request.ifName ?? POD_IFNAME;
    if (this.notReady) throw new CniError(CNI_NOT_INITIALIZED);
    const fail = (message: string): never => {
      throw new CniError(`plugin ${pluginDescription('bridge', this.conflist.name)} failed (add): ${message}`);
    };
    if (!this.netns.exists(request.netnsPath)) {
      fail(`failed to open netns "${request.netnsPath}": failed to Statfs "${request.netnsPath}": no such file or directory`);
    }
    this.addLoopback(request.netnsPath);

    const fault = this.takeFault('addFault');
    if (fault !== null) {
      this.trace?.emit({ kind: 'fault', fault: 'cni-add-failed', target: request.containerId, detail: { message: fault } });
      fail(fault);
    }

    const bridge = this.ensureBridge();
    // setupVeth: eth0 inside the netns, its peer `veth<8 hex>` (ip.RandomVethName) on the bridge.
    const hostVeth = this.uniqueVethName();
    const containerMac = this.random.mac();
    const hostMac = this.random.mac();
    this.netns.addInterface(request.netnsPath, { name: ifName, kind: 'veth', mac: containerMac, addresses: [], peer: hostVeth });
    bridge.ports.push(hostVeth);

    // ipam.ExecAdd: the bridge returns host-local's error unchanged; the veth stays behind
    // until DEL or the namespace's removal, as on a real node.
    let ipamResult;
    try {
      ipamResult = this.ipam.add(request.containerId, ifName, request.args.IP);
    } catch (err) {
      return fail((err as Error).message);
    }

    // calcGateways: every IP belongs to the container interface (index 2), and with
    // isDefaultGateway a default route via the gateway is added unless IPAM gave one.
    const ips: CniIpConfig[] = ipamResult.ips.map((ip) => ({ address: ip.address, gateway: ip.gateway, interface: 2 }));
    const routes = [...ipamResult.routes];
    const gateway = ips[0]?.gateway;
    if (this.plugin.isDefaultGateway && gateway && !routes.some((r) => r.dst === '0.0.0.0/0' && r.gw !== undefined)) {
      routes.push({ dst: '0.0.0.0/0', gw: gateway });
    }
    // isGateway: the bridge holds the gateway address, so pods route through the host.
    if (this.plugin.isGateway && gateway) {
      const prefix = ips[0]?.address.split('/')[1];
      const gwAddress = `${gateway}/${prefix}`;
      if (!bridge.addresses.includes(gwAddress)) bridge.addresses.push(gwAddress);
    }
    this.netns.addInterface(request.netnsPath, {
      name: ifName,
      kind: 'veth',
      mac: containerMac,
      addresses: ips.map((ip) => ip.address),
      peer: hostVeth,
    });

    const result: CniResult = {
      cniVersion: this.conflist.cniVersion,
      interfaces: [
        { name: bridge.name, mac: bridge.mac },
        { name: hostVeth, mac: hostMac },
        { name: ifName, mac: containerMac, sandbox: request.netnsPath },
      ],
      ips,
      routes,
      dns: {},
    };
    this.cache.set(cacheKey(request.containerId, ifName), result);
    return copyCniResult(result);
  }

  /**
   * go-cni `Remove`: DEL on each network. The bridge deletes eth0 (and so its veth peer) if the
   * namespace is still there, then host-local releases the IP. Repeating it is harmless: a
   * missing link or namespace is not an error, and releasing nothing is not either.
   */
  del(request: CniRequest): void {
    const ifName = request.ifName ?? POD_IFNAME;
    if (this.notReady) throw new CniError(CNI_NOT_INITIALIZED);
    const fault = this.takeFault('delFault');
    if (fault !== null) {
      this.trace?.emit({ kind: 'fault', fault: 'cni-del-failed', target: request.containerId, detail: { message: fault } });
      throw new CniError(`plugin ${pluginDescription('bridge', this.conflist.name)} failed (delete): ${fault}`);
    }
    if (request.netnsPath !== '' && this.netns.exists(request.netnsPath)) {
      const link = this.netns.removeInterface(request.netnsPath, ifName);
      if (link?.peer !== undefined) this.detachPort(link.peer);
      this.netns.removeInterface(request.netnsPath, 'lo');
    } else {
      // No namespace: the kernel already destroyed the veth pair with it; only IPAM is left.
      const cached = this.cache.get(cacheKey(request.containerId, ifName));
      const peer = cached?.interfaces[1]?.name;
      if (peer !== undefined) this.detachPort(peer);
    }
    this.ipam.del(request.containerId, ifName);
    this.cache.delete(cacheKey(request.containerId, ifName));
  }

  /** go-cni `Check` on the bridge network (bridge `cmdCheck`): namespace, host-local's record, prevResult, then eth0 and its addresses. */
  check(request: CniRequest): void {
    const ifName = request.ifName ?? POD_IFNAME;
    if (this.notReady) throw new CniError(CNI_NOT_INITIALIZED);
    if (!this.netns.exists(request.netnsPath)) {
      throw new CniError(`failed to open netns "${request.netnsPath}": failed to Statfs "${request.netnsPath}": no such file or directory`);
    }
    this.ipam.check(request.containerId, ifName);
    // libcni hands the cached ADD result to the plugin as prevResult; without it there is nothing to check against.
    const cached = this.cache.get(cacheKey(request.containerId, ifName));
    if (!cached) throw new CniError('Required prevResult missing');
    const link = this.netns.findInterface(request.netnsPath, ifName);
    if (!link) throw new CniError(`Interface name ${ifName} not found`);
    for (const ip of cached.ips) {
      if (!link.addresses.includes(ip.address)) throw new CniError(`Failed to match addr ${ip.address} on interface ${ifName}`);
    }
  }

  // --- internals -----------------------------------------------------------------------------

  /** The loopback plugin brings `lo` up with 127.0.0.1/8 and ::1/128 (plugins/main/loopback). */
  private addLoopback(netnsPath: string): void {
    this.netns.addInterface(netnsPath, { name: 'lo', kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8', '::1/128'] });
  }

  /** ensureBridge: created on first use, then shared by every pod. */
  private ensureBridge(): BridgeDevice {
    this.bridge ??= { name: this.plugin.bridge, mac: this.random.mac(), addresses: [], ports: [] };
    return this.bridge;
  }

  private uniqueVethName(): string {
    // A clash is all but impossible: scanning the ports for the drawn name is cheaper than
    // building a set of them for every ADD.
    const ports = this.bridge?.ports ?? [];
    let name: string;
    do name = `veth${this.random.hex(8)}`;
    while (ports.includes(name));
    return name;
  }

  private detachPort(name: string): void {
    if (this.bridge) this.bridge.ports = this.bridge.ports.filter((p) => p !== name);
  }

  private takeFault(which: 'addFault' | 'delFault'): string | null {
    const fault = this[which];
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this[which] = null;
    return fault.message;
  }
}

/**
 * A deep copy of a result, so a caller cannot change the cached one. Written out field by
 * field: structuredClone does the same for this shape but costs about 30 times as much, on
 * every RunPodSandbox.
 */
export function copyCniResult(r: CniResult): CniResult {
  return {
    cniVersion: r.cniVersion,
    interfaces: r.interfaces.map((i) => ({ ...i })),
    ips: r.ips.map((ip) => ({ ...ip })),
    routes: r.routes.map((route) => ({ ...route })),
    dns: { ...r.dns },
  };
}

function cacheKey(containerId: string, ifName: string): string {
  return `${containerId}/${ifName}`;
}

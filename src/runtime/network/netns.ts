import type { TraceEmitter } from '../../trace/bus.js';
import { createMachineActor, type MachineActor } from '../../machines/machine-actor.js';
import { traceActor } from '../../machines/trace-machine.js';
import { netnsMachine, type NetnsState } from '../machines/netns.machine.js';
import type { RuntimeRandom } from '../random.js';

/**
 * The node's pod network namespaces. containerd creates each one before the pause container
 * exists, bind-mounts it at /var/run/netns/cni-<8-4-4-4-12 hex> (pkg/netns/netns_linux.go)
 * so it outlives any process, hands its path to CNI, and removes it in StopPodSandbox after
 * CNI DEL. crilab keeps, per namespace, the links the plugins put in it and a netns machine
 * whose transitions go to the trace (machine `netns`).
 */

/** containerd's default mount directory for pod netns (`netnsMountDir` in sandbox_run.go, 1.6). */
export const NETNS_MOUNT_DIR = '/var/run/netns';
/** containerd's netns name prefix (`cni-` in pkg/netns/netns_linux.go). */
const NETNS_NAME_PREFIX = 'cni-';

export interface NetnsInterface {
  name: string;
  kind: 'loopback' | 'veth';
  mac: string;
  /** Addresses with prefix length, e.g. `10.244.0.2/24`. */
  addresses: string[];
  /** For a veth: the host-side peer's name. */
  peer?: string;
}

export interface NetnsInfo {
  name: string;
  path: string;
  sandboxId: string;
  state: NetnsState;
  ip: string | null;
  interfaces: NetnsInterface[];
}

/** The error ns.GetNS gives for a path that is not there (containernetworking/plugins pkg/ns/ns_linux.go). */
export class NetnsNotFoundError extends Error {
  override name = 'NetnsNotFoundError';
  constructor(readonly path: string) {
    super(`failed to Statfs "${path}": no such file or directory`);
  }
}

interface Entry {
  name: string;
  path: string;
  sandboxId: string;
  interfaces: NetnsInterface[];
  actor: MachineActor<typeof netnsMachine>;
  stopTracing: () => void;
}

export interface NetnsRegistryOptions {
  random: RuntimeRandom;
  trace?: TraceEmitter;
  mountDir?: string;
}

export class NetnsRegistry {
  private readonly byPath = new Map<string, Entry>();
  private readonly random: RuntimeRandom;
  private readonly trace: TraceEmitter | undefined;
  readonly mountDir: string;

  constructor(options: NetnsRegistryOptions) {
    this.random = options.random;
    this.trace = options.trace;
    this.mountDir = options.mountDir ?? NETNS_MOUNT_DIR;
  }

  /**
   * `netns.NewNetNS`: a fresh, empty namespace for a sandbox. `atPath` re-mounts a namespace
   * that outlived a runtime restart (its bind mount stays while containerd is down).
   */
  create(sandboxId: string, label?: string, atPath?: string): NetnsInfo {
    let name: string;
    let path: string;
    do {
      name = atPath ? atPath.slice(atPath.lastIndexOf('/') + 1) : `${NETNS_NAME_PREFIX}${this.random.uuidLayoutHex()}`;
      path = atPath ?? `${this.mountDir}/${name}`;
    } while (!atPath && this.byPath.has(path)); // containerd opens the file O_EXCL; a clash would be an error there
    const actor = createMachineActor(netnsMachine, name);
    const stopTracing = this.trace
      ? traceActor(actor, this.trace, label === undefined ? { machine: 'netns', id: name } : { machine: 'netns', id: name, label })
      : () => {};
    actor.start();
    const entry: Entry = { name, path, sandboxId, interfaces: [], actor, stopTracing };
    this.byPath.set(path, entry);
    actor.send({ type: 'CREATE', path });
    return this.info(entry);
  }

  exists(path: string): boolean {
    return this.byPath.has(path);
  }

  get(path: string): NetnsInfo | undefined {
    const entry = this.byPath.get(path);
    return entry && this.info(entry);
  }

  forSandbox(sandboxId: string): NetnsInfo | undefined {
    for (const entry of this.byPath.values()) if (entry.sandboxId === sandboxId) return this.info(entry);
    return undefined;
  }

  /** Every namespace still mounted, in creation order (the UI's network pane). */
  list(): NetnsInfo[] {
    return [...this.byPath.values()].map((entry) => this.info(entry));
  }

  /** Namespaces whose sandbox is not among `liveSandboxIds`: leaked mounts (and usually IPs). */
  leaked(liveSandboxIds: Iterable<string>): NetnsInfo[] {
    const live = new Set(liveSandboxIds);
    return this.list().filter((ns) => !live.has(ns.sandboxId));
  }

  /** A plugin created a link inside the namespace. */
  addInterface(path: string, iface: NetnsInterface): void {
    const entry = this.mustGet(path);
    entry.interfaces = [...entry.interfaces.filter((i) => i.name !== iface.name), { ...iface, addresses: [...iface.addresses] }];
  }

  findInterface(path: string, name: string): NetnsInterface | undefined {
    const iface = this.byPath.get(path)?.interfaces.find((i) => i.name === name);
    return iface && { ...iface, addresses: [...iface.addresses] };
  }

  /** A plugin deleted a link; returns it, or undefined if it was not there (DEL may repeat). */
  removeInterface(path: string, name: string): NetnsInterface | undefined {
    const entry = this.mustGet(path);
    const found = entry.interfaces.find((i) => i.name === name);
    entry.interfaces = entry.interfaces.filter((i) => i.name !== name);
    return found;
  }

  /** CNI ADD finished with `ip` on eth0. */
  recordAdd(path: string, ip: string): void {
    this.mustGet(path).actor.send({ type: 'CNI_ADD_OK', ip });
  }

  recordAddFailed(path: string, message: string): void {
    this.mustGet(path).actor.send({ type: 'CNI_ADD_FAILED', message });
  }

  recordDel(path: string): void {
    this.byPath.get(path)?.actor.send({ type: 'CNI_DEL' });
  }

  /**
   * `NetNS.Remove`: unmount and delete. Removing a namespace that is already gone is not an
   * error (containerd's Remove tolerates a missing mount), so StopPodSandbox can repeat.
   * Links still inside vanish with it, as the kernel destroys a veth whose end is in a
   * namespace that goes away.
   */
  remove(path: string): NetnsInterface[] {
    const entry = this.byPath.get(path);
    if (!entry) return [];
    entry.actor.send({ type: 'REMOVE' });
    entry.stopTracing();
    entry.actor.stop();
    this.byPath.delete(path);
    return entry.interfaces;
  }

  private mustGet(path: string): Entry {
    const entry = this.byPath.get(path);
    if (!entry) throw new NetnsNotFoundError(path);
    return entry;
  }

  private info(entry: Entry): NetnsInfo {
    const snapshot = entry.actor.getSnapshot();
    return {
      name: entry.name,
      path: entry.path,
      sandboxId: entry.sandboxId,
      state: snapshot.value as NetnsState,
      ip: snapshot.context.ip,
      interfaces: entry.interfaces.map((i) => ({ ...i, addresses: [...i.addresses] })),
    };
  }
}

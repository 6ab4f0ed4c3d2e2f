import { copyCniResult, POD_IFNAME, type CniRequest, type CniResult, type SimCniBridge } from './cni-bridge.js';
import type { NetnsRegistry } from './netns.js';

/**
 * The pod network steps of RunPodSandbox and StopPodSandbox, in containerd's order
 * (pkg/cri/server/sandbox_run.go and sandbox_stop.go, 1.6): create the netns, CNI ADD, take
 * the pod IP from eth0; on failure CNI DEL (errors ignored, setup never completed) and remove
 * the netns, in that order. Teardown: CNI DEL if setup had completed, then remove the netns.
 */

export interface PodMeta {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodNetworkAttachment {
  sandboxId: string;
  /** The pod whose sandbox this is; CNI DEL gets the same K8S_POD_* args as ADD did. */
  pod: PodMeta;
  netnsPath: string;
  /** The pod IP (`PodSandboxStatus.network.ip`). */
  ip: string;
  /** Further addresses on eth0 (`additional_ips`); empty, as crilab's network is IPv4-only. */
  additionalIps: string[];
  cniResult: CniResult;
}

export type PodNetworkStep = 'create-netns' | 'cni-add' | 'cni-del' | 'remove-netns';

/** A failure with containerd's wording; `step` says which step failed, `cause` the inner error. */
export class PodNetworkError extends Error {
  override name = 'PodNetworkError';
  constructor(
    message: string,
    readonly step: PodNetworkStep,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface PodNetworkOptions {
  cni: SimCniBridge;
  netns: NetnsRegistry;
}

export class PodNetwork {
  private readonly cni: SimCniBridge;
  private readonly netns: NetnsRegistry;
  private readonly attachments = new Map<string, PodNetworkAttachment>();

  constructor(options: PodNetworkOptions) {
    this.cni = options.cni;
    this.netns = options.netns;
  }

  /**
   * RunPodSandbox's network steps. Throws PodNetworkError after rolling back. `restore` brings
   * back the netns and IP of a sandbox recovered after a runtime restart: on a node both
   * outlive containerd (a bind mount and host-local's file), so they come back as they were.
   */
  setUp(sandboxId: string, pod: PodMeta, restore?: { netnsPath: string; ip: string }): PodNetworkAttachment {
    let netnsPath: string;
    try {
      netnsPath = this.netns.create(sandboxId, `${pod.namespace}/${pod.name}`, restore?.netnsPath).path;
    } catch (err) {
      throw new PodNetworkError(
        `failed to create network namespace for sandbox "${sandboxId}": ${(err as Error).message}`,
        'create-netns',
        err,
      );
    }
    const request = cniRequest(sandboxId, netnsPath, pod);
    if (restore) request.args.IP = restore.ip;
    let result: CniResult;
    try {
      result = this.cni.add(request);
    } catch (err) {
      const message = (err as Error).message;
      this.netns.recordAddFailed(netnsPath, message);
      this.rollBack(request);
      throw new PodNetworkError(`failed to setup network for sandbox "${sandboxId}": ${message}`, 'cni-add', err);
    }
    const ip = eth0Address(result);
    if (ip === null) {
      // containerd never records a result it could not use, so its rollback ignores DEL errors here too.
      const message = `failed to find network info for sandbox "${sandboxId}"`;
      this.netns.recordAddFailed(netnsPath, message);
      this.rollBack(request);
      throw new PodNetworkError(`failed to setup network for sandbox "${sandboxId}": ${message}`, 'cni-add');
    }
    this.netns.recordAdd(netnsPath, ip);
    const attachment: PodNetworkAttachment = { sandboxId, pod: { ...pod }, netnsPath, ip, additionalIps: [], cniResult: result };
    this.attachments.set(sandboxId, attachment);
    return copyAttachment(attachment);
  }

  /**
   * StopPodSandbox's network steps. Unknown or already torn-down sandboxes are fine (Stop may
   * repeat). If CNI DEL fails the netns is kept and the error thrown, so a later Stop retries.
   */
  tearDown(sandboxId: string): void {
    const attachment = this.attachments.get(sandboxId);
    // The namespace's path, if it is still mounted (only the path is needed, not a copy of its state).
    const netnsPath = attachment
      ? this.netns.exists(attachment.netnsPath)
        ? attachment.netnsPath
        : undefined
      : this.netns.forSandbox(sandboxId)?.path;
    if (attachment) {
      try {
        this.cni.del(cniRequest(sandboxId, netnsPath ?? '', attachment.pod));
      } catch (err) {
        throw new PodNetworkError(
          `failed to destroy network for sandbox "${sandboxId}": ${(err as Error).message}`,
          'cni-del',
          err,
        );
      }
      this.attachments.delete(sandboxId);
      if (netnsPath !== undefined) this.netns.recordDel(netnsPath);
    }
    if (netnsPath !== undefined) this.netns.remove(netnsPath);
  }

  attachment(sandboxId: string): PodNetworkAttachment | undefined {
    const attachment = this.attachments.get(sandboxId);
    return attachment && copyAttachment(attachment);
  }

  list(): PodNetworkAttachment[] {
    return [...this.attachments.values()].map(copyAttachment);
  }

  /** RunPodSandbox's deferred clean-up after a failed ADD: DEL (errors ignored), then remove the netns. */
  private rollBack(request: CniRequest): void {
    try {
      this.cni.del(request);
      this.netns.recordDel(request.netnsPath);
    } catch {
      // The setup never completed, so containerd ignores a failed teardown here.
    }
    this.netns.remove(request.netnsPath);
  }
}

/** A deep copy for callers, field by field (structuredClone costs about 30 times as much). */
function copyAttachment(a: PodNetworkAttachment): PodNetworkAttachment {
  return { ...a, pod: { ...a.pod }, additionalIps: [...a.additionalIps], cniResult: copyCniResult(a.cniResult) };
}

function cniRequest(sandboxId: string, netnsPath: string, pod: PodMeta): CniRequest {
  return {
    containerId: sandboxId,
    netnsPath,
    ifName: POD_IFNAME,
    args: {
      K8S_POD_NAMESPACE: pod.namespace,
      K8S_POD_NAME: pod.name,
      K8S_POD_INFRA_CONTAINER_ID: sandboxId,
      K8S_POD_UID: pod.uid,
      IgnoreUnknown: '1',
    },
  };
}

/** The pod IP: the first IPv4 address on eth0, as containerd picks it (`selectPodIPs`, IPv4 preferred). */
function eth0Address(result: CniResult): string | null {
  const index = result.interfaces.findIndex((i) => i.name === POD_IFNAME && i.sandbox !== undefined);
  if (index < 0) return null;
  const addresses = result.ips.filter((ip) => ip.interface === index).map((ip) => ip.address.split('/')[0] ?? '');
  return addresses.find((a) => a.includes('.')) ?? addresses[0] ?? null;
}

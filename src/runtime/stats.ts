import type { ContainerStats } from '../cri/generated/runtime/v1/ContainerStats.js';
import type { ContainerStatsRequest__Output } from '../cri/generated/runtime/v1/ContainerStatsRequest.js';
import type { ContainerStatsResponse } from '../cri/generated/runtime/v1/ContainerStatsResponse.js';
import type { ListContainerStatsRequest__Output } from '../cri/generated/runtime/v1/ListContainerStatsRequest.js';
import type { ListContainerStatsResponse } from '../cri/generated/runtime/v1/ListContainerStatsResponse.js';
import type { ListPodSandboxStatsRequest__Output } from '../cri/generated/runtime/v1/ListPodSandboxStatsRequest.js';
import type { ListPodSandboxStatsResponse } from '../cri/generated/runtime/v1/ListPodSandboxStatsResponse.js';
import type { PodSandboxStats } from '../cri/generated/runtime/v1/PodSandboxStats.js';
import type { PodSandboxStatsRequest__Output } from '../cri/generated/runtime/v1/PodSandboxStatsRequest.js';
import type { PodSandboxStatsResponse } from '../cri/generated/runtime/v1/PodSandboxStatsResponse.js';
import { criErrors } from '../cri/status.js';
import { DEFAULT_IMAGE_FS_MOUNTPOINT } from './images/image-store.js';
import { labelMatcher } from './label-selector.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord, SandboxRecord } from './store.js';

/*
 * ContainerStats, ListContainerStats, PodSandboxStats, ListPodSandboxStats. The numbers are a
 * model, not a measurement: a simulated process uses CPU_NANOCORES of a core while it runs and
 * a fixed working set (the figures a busybox `sh` loop showed on the lab's containerd 1.6.20).
 * The shapes, the errors and which records appear follow containerd 1.6.
 */

/** CPU a simulated process uses while it runs: 0.1% of a core (a shell loop that mostly sleeps). */
export const CPU_NANOCORES = 1_000_000n;
/** Memory of a small busybox process as cgroup v1 reported it on the lab (working set = usage − inactive file). */
export const PROCESS_WORKING_SET_BYTES = 561_152;
export const PROCESS_RSS_BYTES = 114_688;
export const PROCESS_PAGE_FAULTS = 2_133;
/** The pause process: a static binary that only sleeps. */
export const PAUSE_WORKING_SET_BYTES = 225_280;

const u64 = (v: bigint | number) => ({ value: v.toString() });

function runningNanos(c: ContainerRecord, now: bigint): bigint {
  if (c.startedAt === 0n) return 0n;
  const end = c.finishedAt !== 0n ? c.finishedAt : now;
  return end > c.startedAt ? end - c.startedAt : 0n;
}

function attributes(c: ContainerRecord) {
  return { id: c.id, metadata: c.config.metadata!, labels: c.config.labels, annotations: c.config.annotations };
}

function writableLayer(now: bigint) {
  return { timestamp: now.toString(), fsId: { mountpoint: DEFAULT_IMAGE_FS_MOUNTPOINT }, usedBytes: u64(0), inodesUsed: u64(0) };
}

/** A container's stats; cpu and memory only while its task runs (containerd has no metrics otherwise). */
export function containerStats(c: ContainerRecord, now: bigint): ContainerStats {
  const running = c.state === 'CONTAINER_RUNNING' && c.process?.running === true;
  return {
    attributes: attributes(c),
    cpu: running
      ? { timestamp: now.toString(), usageCoreNanoSeconds: u64((runningNanos(c, now) * CPU_NANOCORES) / 1_000_000_000n), usageNanoCores: u64(CPU_NANOCORES) }
      : null,
    memory: running
      ? {
          timestamp: now.toString(),
          workingSetBytes: u64(PROCESS_WORKING_SET_BYTES),
          availableBytes: u64(0),
          usageBytes: u64(PROCESS_WORKING_SET_BYTES),
          rssBytes: u64(PROCESS_RSS_BYTES),
          pageFaults: u64(PROCESS_PAGE_FAULTS),
          majorPageFaults: u64(0),
        }
      : null,
    writableLayer: writableLayer(now),
  };
}

export async function containerStatsRpc(ctx: RuntimeContext, req: ContainerStatsRequest__Output): Promise<ContainerStatsResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `failed to find container: ${cause}`);
  // containerd asks the task for metrics; a container without a running task has none.
  if (c.state !== 'CONTAINER_RUNNING') throw criErrors.unknown('unexpected metrics response: []');
  return { stats: containerStats(c, ctx.clock.nowNanos()) };
}

/** ListContainerStats: every container through the filter (id, sandbox id, labels), with metrics where a task runs. */
export async function listContainerStats(ctx: RuntimeContext, req: ListContainerStatsRequest__Output): Promise<ListContainerStatsResponse> {
  const f = req.filter;
  const now = ctx.clock.nowNanos();
  const stats: ContainerStats[] = [];
  const matches = labelMatcher(f?.labelSelector);
  for (const c of ctx.store.containers.values()) {
    if (f?.id && !c.id.startsWith(f.id)) continue;
    if (f?.podSandboxId && !c.sandboxId.startsWith(f.podSandboxId)) continue;
    if (!matches(c.config.labels)) continue;
    stats.push(containerStats(c, now));
  }
  return { stats };
}

function sandboxStats(ctx: RuntimeContext, s: SandboxRecord, now: bigint): PodSandboxStats {
  const running = ctx.store.containersOf(s.id).filter((c) => c.state === 'CONTAINER_RUNNING');
  const containers = running.map((c) => containerStats(c, now));
  const cpu = containers.reduce((sum, c) => sum + BigInt(String(c.cpu?.usageCoreNanoSeconds?.value ?? 0)), 0n);
  const sinceCreated = now > s.createdAt ? now - s.createdAt : 0n;
  return {
    attributes: { id: s.id, metadata: s.config.metadata!, labels: s.config.labels, annotations: s.config.annotations },
    linux: {
      cpu: { timestamp: now.toString(), usageCoreNanoSeconds: u64(cpu + (sinceCreated * CPU_NANOCORES) / 10_000_000_000n), usageNanoCores: u64(CPU_NANOCORES * BigInt(running.length)) },
      memory: {
        timestamp: now.toString(),
        workingSetBytes: u64(PAUSE_WORKING_SET_BYTES + PROCESS_WORKING_SET_BYTES * running.length),
        availableBytes: u64(0),
        usageBytes: u64(PAUSE_WORKING_SET_BYTES + PROCESS_WORKING_SET_BYTES * running.length),
        rssBytes: u64(PROCESS_RSS_BYTES * (running.length + 1)),
        pageFaults: u64(PROCESS_PAGE_FAULTS * (running.length + 1)),
        majorPageFaults: u64(0),
      },
      // Nothing crosses the simulated bridge, so the counters stay at zero.
      network: s.hostNetwork
        ? null
        : { timestamp: now.toString(), defaultInterface: { name: 'eth0', rxBytes: u64(0), rxErrors: u64(0), txBytes: u64(0), txErrors: u64(0) }, interfaces: [] },
      process: { timestamp: now.toString(), processCount: u64(1 + running.reduce((n, c) => n + (c.process?.pids.procs.size ?? 1), 0)) },
      containers,
    },
  };
}

export async function podSandboxStatsRpc(ctx: RuntimeContext, req: PodSandboxStatsRequest__Output): Promise<PodSandboxStatsResponse> {
  const s = ctx.store.mustSandbox(req.podSandboxId, (cause) => `an error occurred when trying to find sandbox ${req.podSandboxId}: ${cause}`);
  if (s.state !== 'SANDBOX_READY') {
    // The pod cgroup goes with the pause task: there is nothing left to read.
    throw criErrors.unknown(`failed getting metrics for sandbox ${req.podSandboxId}: failed to load cgroup for sandbox ${s.id}: cgroups: cgroup deleted`);
  }
  return { stats: sandboxStats(ctx, s, ctx.clock.nowNanos()) };
}

/** ListPodSandboxStats: ready sandboxes only (containerd cannot read a stopped pod's cgroup). */
export async function listPodSandboxStats(ctx: RuntimeContext, req: ListPodSandboxStatsRequest__Output): Promise<ListPodSandboxStatsResponse> {
  const f = req.filter;
  const now = ctx.clock.nowNanos();
  const stats: PodSandboxStats[] = [];
  const matches = labelMatcher(f?.labelSelector);
  for (const s of ctx.store.sandboxes.values()) {
    if (f?.id && !s.id.startsWith(f.id)) continue;
    if (!matches(s.config.labels)) continue;
    if (s.state !== 'SANDBOX_READY') continue;
    stats.push(sandboxStats(ctx, s, now));
  }
  return { stats };
}

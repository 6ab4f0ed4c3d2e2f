/**
 * The CRI cases of the differential suite: one script per case, run unchanged against the
 * simulated runtime and the lab's containerd through crilab's own CRI client. A case records
 * what a CRI client can observe (each call's result or gRPC error, states, reasons, exit codes,
 * exec output, log lines); the suite normalises both records and compares them.
 */
import path from 'node:path';
import { codeName, errorCode } from '../../src/cri/status.js';
import { OWNER_LABEL } from '../../src/backends/backend.js';
import { MISSING_IMAGE, type CriTarget } from './cri-targets.js';

export interface Observation {
  label: string;
  value: unknown;
}

/** Every case gets a unique pod name prefix so that cases never see each other's objects. */
export interface CaseContext {
  target: CriTarget;
  observe(label: string, value: unknown): void;
  /** Runs a CRI call, records its projected result or its gRPC code and message. */
  rec<T>(label: string, fn: () => Promise<T>, project?: (r: T) => unknown): Promise<T | undefined>;
  sandboxConfig(name: string, attempt?: number): Record<string, any>;
  containerConfig(name: string, command: string, extra?: Record<string, any>): Record<string, any>;
  waitState(containerId: string, state: string, timeoutMs?: number): Promise<Record<string, any> | undefined>;
  sleep(ms: number): Promise<void>;
  /** Sandboxes to stop and remove when the case ends, whatever happened. */
  cleanup: Set<string>;
}

export interface CriCase {
  name: string;
  /** What the case shows, for the docs and the test title. */
  about: string;
  run(ctx: CaseContext, uniq: string): Promise<void>;
}

const IMAGE = 'busybox:1.36';
const set = (v: unknown) => (v === undefined || v === null || v === '0' || v === 0 ? 'unset' : 'set');

export function projectSandboxStatus(r: any) {
  const s = r.status ?? {};
  return {
    state: s.state,
    metadata: s.metadata,
    ip: s.network?.ip ?? '',
    createdAt: set(s.createdAt),
    labels: s.labels,
    namespaces: s.linux?.namespaces?.options,
  };
}

export function projectContainerStatus(r: any) {
  const s = r.status ?? {};
  return {
    state: s.state,
    metadata: s.metadata,
    image: s.image?.image,
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    logPath: s.logPath,
    createdAt: set(s.createdAt),
    startedAt: set(s.startedAt),
    finishedAt: set(s.finishedAt),
  };
}

const projectExec = (r: any) => ({ exitCode: r.exitCode, stdout: Buffer.from(r.stdout ?? '').toString(), stderr: Buffer.from(r.stderr ?? '').toString() });

/**
 * Log records without their timestamps (tag and content), per stream. Within a stream the
 * order is the program's; across streams it is not defined (two pipes, read concurrently by
 * containerd), so it is not compared.
 */
export function logRecords(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const m = /^\S+ (stdout|stderr) (.*)$/s.exec(line);
    if (m) (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}

async function runSandbox(ctx: CaseContext, name: string): Promise<{ id: string; config: Record<string, any> }> {
  const config = ctx.sandboxConfig(name);
  const r = await ctx.rec('RunPodSandbox', () => ctx.target.cri.runtime.RunPodSandbox({ config } as any), (x) => ({ podSandboxId: x.podSandboxId }));
  if (!r) throw new Error('RunPodSandbox failed');
  ctx.cleanup.add(r.podSandboxId);
  return { id: r.podSandboxId, config };
}

async function startContainer(ctx: CaseContext, sb: { id: string; config: Record<string, any> }, name: string, command: string): Promise<string> {
  const cri = ctx.target.cri;
  const c = await ctx.rec(`CreateContainer ${name}`, () => cri.runtime.CreateContainer({ podSandboxId: sb.id, config: ctx.containerConfig(name, command), sandboxConfig: sb.config } as any), (x) => ({ containerId: x.containerId }));
  if (!c) throw new Error('CreateContainer failed');
  await ctx.rec(`StartContainer ${name}`, () => cri.runtime.StartContainer({ containerId: c.containerId }));
  return c.containerId;
}

async function pull(ctx: CaseContext, sb: { config: Record<string, any> }) {
  // the pulled reference differs (digests), whether it succeeded does not
  await ctx.rec('PullImage', () => ctx.target.cri.image.PullImage({ image: { image: IMAGE }, sandboxConfig: sb.config } as any), (x) => ({ imageRef: x.imageRef ? 'set' : 'unset' }));
}

export const CRI_CASES: CriCase[] = [
  {
    name: 'version-and-status',
    about: 'Version (runtime name, CRI API version) and Status (RuntimeReady, NetworkReady)',
    async run(ctx) {
      const cri = ctx.target.cri;
      await ctx.rec('Version', () => cri.runtime.Version({ version: 'v1' }), (r) => ({ runtimeName: r.runtimeName, runtimeApiVersion: r.runtimeApiVersion, version: r.version }));
      await ctx.rec('Status', () => cri.runtime.Status({ verbose: false }), (r) => (r.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status })));
    },
  },
  {
    name: 'sandbox-lifecycle',
    about: 'RunPodSandbox, PodSandboxStatus, ListPodSandbox (by label), StopPodSandbox twice, RemovePodSandbox twice, status of a removed sandbox',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-sb`);
      await ctx.rec('PodSandboxStatus ready', () => cri.runtime.PodSandboxStatus({ podSandboxId: sb.id }), projectSandboxStatus);
      const byLabel = { labelSelector: { 'io.kubernetes.pod.name': `${u}-sb` } };
      await ctx.rec('ListPodSandbox', () => cri.runtime.ListPodSandbox({ filter: byLabel }), (r) => r.items.map((i) => ({ id: i.id, state: i.state, name: i.metadata?.name, attempt: i.metadata?.attempt })));
      await ctx.rec('StopPodSandbox', () => cri.runtime.StopPodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('PodSandboxStatus stopped', () => cri.runtime.PodSandboxStatus({ podSandboxId: sb.id }), projectSandboxStatus);
      await ctx.rec('StopPodSandbox again', () => cri.runtime.StopPodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('RemovePodSandbox', () => cri.runtime.RemovePodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('RemovePodSandbox again', () => cri.runtime.RemovePodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('PodSandboxStatus removed', () => cri.runtime.PodSandboxStatus({ podSandboxId: sb.id }), projectSandboxStatus);
      await ctx.rec('ListPodSandbox after remove', () => cri.runtime.ListPodSandbox({ filter: byLabel }), (r) => r.items.length);
    },
  },
  {
    name: 'container-lifecycle',
    about: 'PullImage, CreateContainer, ContainerStatus created/running/exited (exit 3, reason Error), stdout and stderr in the CRI log, ListContainers, RemoveContainer, status of a removed container',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-cl`);
      await pull(ctx, sb);
      const c = await ctx.rec('CreateContainer', () => cri.runtime.CreateContainer({ podSandboxId: sb.id, sandboxConfig: sb.config, config: ctx.containerConfig('app', "echo out; echo err >&2; sleep 1; exit 3") } as any), (x) => ({ containerId: x.containerId }));
      if (!c) return;
      await ctx.rec('ContainerStatus created', () => cri.runtime.ContainerStatus({ containerId: c.containerId }), projectContainerStatus);
      await ctx.rec('StartContainer', () => cri.runtime.StartContainer({ containerId: c.containerId }));
      await ctx.rec('ContainerStatus running', () => cri.runtime.ContainerStatus({ containerId: c.containerId }), projectContainerStatus);
      const done = await ctx.waitState(c.containerId, 'CONTAINER_EXITED');
      ctx.observe('exited', done && projectContainerStatus({ status: done }));
      ctx.observe('log', done && logRecords(ctx.target.readLog(done['logPath'])));
      await ctx.rec('ListContainers', () => cri.runtime.ListContainers({ filter: { podSandboxId: sb.id } }), (r) => r.containers.map((x) => ({ id: x.id, podSandboxId: x.podSandboxId, state: x.state, name: x.metadata?.name })));
      await ctx.rec('RemoveContainer', () => cri.runtime.RemoveContainer({ containerId: c.containerId }));
      await ctx.rec('ContainerStatus removed', () => cri.runtime.ContainerStatus({ containerId: c.containerId }), projectContainerStatus);
    },
  },
  {
    name: 'exit-zero',
    about: 'a container that exits 0 is CONTAINER_EXITED with reason Completed',
    async run(ctx, u) {
      const sb = await runSandbox(ctx, `${u}-ez`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'done', 'echo bye');
      const done = await ctx.waitState(id, 'CONTAINER_EXITED');
      ctx.observe('exited', done && projectContainerStatus({ status: done }));
    },
  },
  {
    name: 'unknown-ids',
    about: 'every call with an ID nobody created: status, stop, remove, start, exec, create in an unknown sandbox',
    async run(ctx) {
      const cri = ctx.target.cri;
      const nope = 'f'.repeat(64);
      await ctx.rec('PodSandboxStatus', () => cri.runtime.PodSandboxStatus({ podSandboxId: nope }));
      await ctx.rec('ContainerStatus', () => cri.runtime.ContainerStatus({ containerId: nope }));
      await ctx.rec('StopPodSandbox', () => cri.runtime.StopPodSandbox({ podSandboxId: nope }));
      await ctx.rec('RemovePodSandbox', () => cri.runtime.RemovePodSandbox({ podSandboxId: nope }));
      await ctx.rec('StartContainer', () => cri.runtime.StartContainer({ containerId: nope }));
      await ctx.rec('StopContainer', () => cri.runtime.StopContainer({ containerId: nope, timeout: '1' }));
      await ctx.rec('RemoveContainer', () => cri.runtime.RemoveContainer({ containerId: nope }));
      await ctx.rec('ExecSync', () => cri.runtime.ExecSync({ containerId: nope, cmd: ['true'], timeout: '5' }));
      await ctx.rec('CreateContainer in unknown sandbox', () => cri.runtime.CreateContainer({ podSandboxId: nope, config: ctx.containerConfig('x', 'true'), sandboxConfig: ctx.sandboxConfig('unknown') } as any));
    },
  },
  {
    name: 'duplicate-names',
    about: 'a second RunPodSandbox with the same name/namespace/uid/attempt, a second CreateContainer with the same name and attempt',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-dup`);
      const again = await ctx.rec('RunPodSandbox same name', () => cri.runtime.RunPodSandbox({ config: sb.config } as any), (x) => ({ podSandboxId: x.podSandboxId }));
      if (again) ctx.cleanup.add(again.podSandboxId);
      await pull(ctx, sb);
      await ctx.rec('CreateContainer', () => cri.runtime.CreateContainer({ podSandboxId: sb.id, sandboxConfig: sb.config, config: ctx.containerConfig('c', 'sleep 5') } as any), (x) => ({ containerId: x.containerId }));
      await ctx.rec('CreateContainer same name', () => cri.runtime.CreateContainer({ podSandboxId: sb.id, sandboxConfig: sb.config, config: ctx.containerConfig('c', 'sleep 5') } as any), (x) => ({ containerId: x.containerId }));
    },
  },
  {
    name: 'container-in-notready-sandbox',
    about: 'CreateContainer in a sandbox that was stopped (SANDBOX_NOTREADY)',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-nr`);
      await pull(ctx, sb);
      await ctx.rec('StopPodSandbox', () => cri.runtime.StopPodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('CreateContainer', () => cri.runtime.CreateContainer({ podSandboxId: sb.id, sandboxConfig: sb.config, config: ctx.containerConfig('late', 'true') } as any), (x) => ({ containerId: x.containerId }));
    },
  },
  {
    name: 'exec',
    about: 'ExecSync: stdout, stderr, a non-zero exit code; then into an exited container',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-ex`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'box', 'sleep 2');
      await ctx.rec('ExecSync echo', () => cri.runtime.ExecSync({ containerId: id, cmd: ['sh', '-c', 'echo hello; echo oops >&2'], timeout: '10' }), projectExec);
      await ctx.rec('ExecSync exit 7', () => cri.runtime.ExecSync({ containerId: id, cmd: ['sh', '-c', 'exit 7'], timeout: '10' }), projectExec);
      await ctx.waitState(id, 'CONTAINER_EXITED');
      await ctx.rec('ExecSync into exited', () => cri.runtime.ExecSync({ containerId: id, cmd: ['true'], timeout: '10' }), projectExec);
    },
  },
  {
    name: 'stop-with-timeout',
    about: 'StopContainer with timeout 2 on a container that ignores SIGTERM: SIGKILL at the deadline, exit 137; then StopContainer of the stopped container',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-st`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'stubborn', "trap '' TERM; echo ignoring TERM; while true; do sleep 1; done");
      await ctx.sleep(300);
      const t0 = Date.now();
      await ctx.rec('StopContainer timeout 2', () => cri.runtime.StopContainer({ containerId: id, timeout: '2' }));
      const took = Date.now() - t0;
      ctx.observe('took at least the timeout', took >= 1900);
      await ctx.rec('ContainerStatus', () => cri.runtime.ContainerStatus({ containerId: id }), projectContainerStatus);
      await ctx.rec('StopContainer stopped', () => cri.runtime.StopContainer({ containerId: id, timeout: '2' }));
    },
  },
  {
    name: 'stop-graceful',
    about: 'StopContainer on a container that traps SIGTERM and exits 0: reason Completed, its last log line',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-sg`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'polite', "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 1 & wait $!; done");
      await ctx.sleep(300);
      await ctx.rec('StopContainer timeout 10', () => cri.runtime.StopContainer({ containerId: id, timeout: '10' }));
      const st = await ctx.rec('ContainerStatus', () => cri.runtime.ContainerStatus({ containerId: id }), projectContainerStatus);
      ctx.observe('log', st?.status && logRecords(ctx.target.readLog(st.status.logPath)));
    },
  },
  {
    name: 'sigterm-to-pid-1',
    about: 'SIGTERM to PID 1 (StopContainer, timeout 2): a busybox sh loop and a bare sleep ignore it (SIGKILL at the deadline, 137), a sh that traps it exits 0; the same loop in the pod\'s shared PID namespace dies of it (143)',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-t1`);
      await pull(ctx, sb);
      const programs = { loop: 'while true; do sleep 1; done', sleeper: 'sleep 3600', trapper: "trap 'exit 0' TERM; while true; do sleep 1; done" };
      const ids = new Map<string, string>();
      for (const [name, cmd] of Object.entries(programs)) ids.set(name, await startContainer(ctx, sb, name, cmd));
      // the same loop in the pod's PID namespace (shareProcessNamespace: pause is PID 1, the loop is not)
      const shared = { network: 'POD', pid: 'POD', ipc: 'POD' };
      const c = await ctx.rec('CreateContainer shared-pid', () => cri.runtime.CreateContainer({ podSandboxId: sb.id, sandboxConfig: sb.config, config: ctx.containerConfig('shared', programs.loop, { linux: { securityContext: { namespaceOptions: shared } } }) } as any), (x) => ({ containerId: x.containerId }));
      if (c) {
        await ctx.rec('StartContainer shared-pid', () => cri.runtime.StartContainer({ containerId: c.containerId }));
        ids.set('shared', c.containerId);
      }
      await ctx.sleep(300);
      await Promise.all([...ids].map(async ([name, id]) => {
        await cri.runtime.StopContainer({ containerId: id, timeout: '2' }).catch(() => undefined);
      }));
      for (const [name, id] of ids) await ctx.rec(`ContainerStatus ${name}`, () => cri.runtime.ContainerStatus({ containerId: id }), (r) => ({ exitCode: r.status?.exitCode, reason: r.status?.reason }));
    },
  },
  {
    name: 'start-and-remove-running',
    about: 'StartContainer on a running container; RemoveContainer of a running container; RemovePodSandbox of a ready sandbox',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-rr`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'busy', 'while true; do sleep 1; done');
      await ctx.rec('StartContainer again', () => cri.runtime.StartContainer({ containerId: id }));
      await ctx.rec('RemoveContainer running', () => cri.runtime.RemoveContainer({ containerId: id }));
      await ctx.rec('ContainerStatus after remove', () => cri.runtime.ContainerStatus({ containerId: id }), projectContainerStatus);
      await ctx.rec('RemovePodSandbox ready', () => cri.runtime.RemovePodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('PodSandboxStatus after remove', () => cri.runtime.PodSandboxStatus({ podSandboxId: sb.id }), projectSandboxStatus);
    },
  },
  {
    name: 'pause-death',
    about: 'SIGKILL of the pause process: the sandbox becomes SANDBOX_NOTREADY; what becomes of its container',
    async run(ctx, u) {
      const cri = ctx.target.cri;
      const sb = await runSandbox(ctx, `${u}-pd`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'app', 'while true; do sleep 1; done');
      await ctx.sleep(300);
      await ctx.target.killPause(sb.id, { name: sb.config['metadata'].name, namespace: sb.config['metadata'].namespace });
      let state = '';
      for (let i = 0; i < 50 && state !== 'SANDBOX_NOTREADY'; i++) {
        await ctx.sleep(100);
        state = (await cri.runtime.PodSandboxStatus({ podSandboxId: sb.id })).status?.state ?? '';
      }
      await ctx.rec('PodSandboxStatus', () => cri.runtime.PodSandboxStatus({ podSandboxId: sb.id }), projectSandboxStatus);
      await ctx.sleep(1000);
      await ctx.rec('ContainerStatus 1s later', () => cri.runtime.ContainerStatus({ containerId: id }), projectContainerStatus);
      await ctx.rec('StopPodSandbox', () => cri.runtime.StopPodSandbox({ podSandboxId: sb.id }));
      await ctx.rec('ContainerStatus after StopPodSandbox', () => cri.runtime.ContainerStatus({ containerId: id }), projectContainerStatus);
    },
  },
  {
    name: 'logs',
    about: 'the CRI log file: several lines, stderr, an empty line, a last line without a newline (a P record)',
    async run(ctx, u) {
      const sb = await runSandbox(ctx, `${u}-lg`);
      await pull(ctx, sb);
      const id = await startContainer(ctx, sb, 'talker', "echo one; echo two >&2; echo; printf 'no newline'");
      const done = await ctx.waitState(id, 'CONTAINER_EXITED');
      ctx.observe('log', done && logRecords(ctx.target.readLog(done['logPath'])));
    },
  },
  {
    name: 'images',
    about: 'ImageStatus of an absent image, PullImage of an image no registry has, ImageStatus after a pull',
    async run(ctx, u) {
      const img = ctx.target.cri.image;
      const sb = await runSandbox(ctx, `${u}-im`);
      await ctx.rec('ImageStatus absent', () => img.ImageStatus({ image: { image: MISSING_IMAGE } }), (r) => ({ image: r.image ?? null }));
      await ctx.rec('PullImage missing', () => img.PullImage({ image: { image: MISSING_IMAGE }, sandboxConfig: sb.config } as any));
      await pull(ctx, sb);
      await ctx.rec('ImageStatus present', () => img.ImageStatus({ image: { image: IMAGE } }), (r) => ({ repoTags: r.image?.repoTags, hasId: set(r.image?.id), username: r.image?.username }));
    },
  },
];

/** Builds the case context on a target; the caller runs the case and then `finish()`. */
export function caseContext(target: CriTarget): { ctx: CaseContext; observations: Observation[]; finish(): Promise<void> } {
  const observations: Observation[] = [];
  const cleanup = new Set<string>();
  const cri = target.cri;
  const observe = (label: string, value: unknown) => observations.push({ label, value: value === undefined ? null : value });
  const ctx: CaseContext = {
    target,
    cleanup,
    observe,
    async rec(label, fn, project) {
      try {
        const r = await fn();
        observe(label, { ok: project ? project(r) : r });
        return r;
      } catch (err) {
        const code = errorCode(err);
        const message = (err as { details?: string }).details ?? (err as Error).message;
        observe(label, { code: code === undefined ? 'none' : codeName(code), message });
        return undefined;
      }
    },
    sandboxConfig(name, attempt = 0) {
      const namespace = 'crilab-diff';
      const uid = `${name}-uid`;
      const logDirectory = path.join(target.podLogsDir, `${namespace}_${name}_${uid}`);
      target.mkdirLogDir(logDirectory);
      return {
        metadata: { name, namespace, uid, attempt },
        hostname: name,
        logDirectory,
        labels: { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': namespace, 'io.kubernetes.pod.uid': uid, [OWNER_LABEL]: 'true' },
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
      };
    },
    containerConfig(name, command, extra = {}) {
      return {
        metadata: { name, attempt: 0 },
        image: { image: IMAGE },
        command: ['sh', '-c', command],
        logPath: `${name}/0.log`,
        labels: { 'io.kubernetes.container.name': name, [OWNER_LABEL]: 'true' },
        // as the kubelet sets them (namespacesForPod): its own PID namespace, so the program is PID 1
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
        ...extra,
      };
    },
    async waitState(containerId, state, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const st = (await cri.runtime.ContainerStatus({ containerId }).catch(() => undefined))?.status as Record<string, any> | undefined;
        if (st?.['state'] === state) return st;
        if (Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  return {
    ctx,
    observations,
    async finish() {
      for (const id of cleanup) {
        await cri.runtime.StopPodSandbox({ podSandboxId: id }).catch(() => undefined);
        await cri.runtime.RemovePodSandbox({ podSandboxId: id }).catch(() => undefined);
      }
    },
  };
}

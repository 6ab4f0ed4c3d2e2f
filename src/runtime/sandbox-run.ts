import type { RunPodSandboxRequest__Output } from '../cri/generated/runtime/v1/RunPodSandboxRequest.js';
import type { RunPodSandboxResponse } from '../cri/generated/runtime/v1/RunPodSandboxResponse.js';
import type { PodSandboxConfig__Output } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { criErrors } from '../cri/status.js';
import { withRollback, type RuntimeContext } from './runtime-context.js';
import { sendTo } from './record-actors.js';
import { makeSandboxRecord } from './records.js';

/** containerd's sandbox name: `<pod>_<namespace>_<uid>_<attempt>`. */
export function makeSandboxName(config: PodSandboxConfig__Output): string {
  const m = config.metadata!;
  return `${m.name}_${m.namespace}_${m.uid}_${m.attempt}`;
}

/** The files containerd prepares for a sandbox and bind-mounts into every container of the pod. */
function sandboxFiles(ctx: RuntimeContext, config: PodSandboxConfig__Output): Record<string, string> {
  const hostname = (config.hostname || ctx.nodeName) + '\n';
  const dns = config.dnsConfig;
  const resolv = dns
    ? [
        ...(dns.searches.length ? [`search ${dns.searches.join(' ')}`] : []),
        ...dns.servers.map((s) => `nameserver ${s}`),
        ...(dns.options.length ? [`options ${dns.options.join(' ')}`] : []),
      ].join('\n') + '\n'
    : 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n';
  const hosts = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';
  return { '/etc/hostname': hostname, '/etc/hosts': hosts, '/etc/resolv.conf': resolv };
}

/**
 * RunPodSandbox, step by step as containerd's sandbox_run does it: reserve the name, record
 * the sandbox, make sure the pause image is there, create the network namespace and run CNI
 * ADD, write the pod's files, start the pause container, mark the sandbox ready. Each step
 * registers how to give back what it took; a failure undoes them in reverse. The sandbox's
 * state changes only through its machine: NETWORK_READY, PAUSE_STARTED, or RUN_FAILED.
 */
export async function runPodSandbox(
  ctx: RuntimeContext,
  req: RunPodSandboxRequest__Output,
  callId: string | undefined,
): Promise<RunPodSandboxResponse> {
  const config = req.config;
  if (!config?.metadata) throw criErrors.unknown('sandbox config must include metadata');
  const meta = config.metadata;
  const id = ctx.random.id64();
  const name = makeSandboxName(config);

  return withRollback(async (rb) => {
    // 1. Reserve the name: a second RunPodSandbox for the same pod and attempt is refused.
    ctx.store.names.reserve('sandbox', name, id);
    rb.add('release sandbox name', () => ctx.store.names.release(name));

    // 2. Record the sandbox, not yet ready (SANDBOX_UNKNOWN). If a later step fails, the
    //    rollback ends here: the record was never stored, so the machine goes to `removed`.
    const hostNetwork = config.linux?.securityContext?.namespaceOptions?.network === 'NODE';
    const record = makeSandboxRecord(
      {
        id,
        name,
        config,
        runtimeHandler: req.runtimeHandler,
        createdAt: ctx.clock.nowNanos(),
        netnsPath: '',
        ip: '',
        additionalIps: [],
        hostNetwork,
        pause: undefined,
        pausePid: 0,
        files: sandboxFiles(ctx, config),
      },
      ctx.trace,
    );
    rb.add('forget the sandbox record', () => {
      sendTo(record.actor, { type: 'RUN_FAILED', message: 'RunPodSandbox failed', cleanedUp: true });
      record.dispose();
    });

    // 3. The pause image must be present; containerd pulls it the first time.
    await ctx.images.ensure(ctx.pauseImage, callId);

    // 4. Network namespace and CNI ADD (not for host-network pods).
    if (!hostNetwork) {
      const net = await ctx.network.setUp(id, {
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
      });
      rb.add('tear down pod network', () => ctx.network.tearDown(id));
      record.netnsPath = net.netnsPath;
      record.ip = net.ip;
      sendTo(record.actor, { type: 'NETWORK_READY', netnsPath: net.netnsPath, ip: net.ip });
    }

    // 5. Start the pause container in that namespace.
    const pauseActor = record.attachPause();
    const pause = ctx.processes.startPause(record);
    rb.add('kill pause container', () => {
      sendTo(pauseActor, { type: 'KILL', signal: 'SIGKILL' });
      pause.kill('SIGKILL');
    });
    record.pause = pause;
    record.pausePid = ctx.random.int(1000, 65000);
    sendTo(pauseActor, { type: 'START', pid: record.pausePid });

    // 6. Ready: store it and watch the pause process (containerd's exit monitor).
    sendTo(record.actor, { type: 'PAUSE_STARTED', pid: record.pausePid });
    ctx.store.sandboxes.set(id, record);
    ctx.events.emit('CONTAINER_CREATED_EVENT', id, record);
    ctx.events.emit('CONTAINER_STARTED_EVENT', id, record);
    void pause.exited.then((exit) => ctx.onPauseExit(record, exit.exitCode));
    ctx.changed();
    return { podSandboxId: id };
  });
}

import type { AttachRequest__Output } from '../cri/generated/runtime/v1/AttachRequest.js';
import type { AttachResponse } from '../cri/generated/runtime/v1/AttachResponse.js';
import type { ExecRequest__Output } from '../cri/generated/runtime/v1/ExecRequest.js';
import type { ExecResponse } from '../cri/generated/runtime/v1/ExecResponse.js';
import type { PortForwardRequest__Output } from '../cri/generated/runtime/v1/PortForwardRequest.js';
import type { PortForwardResponse } from '../cri/generated/runtime/v1/PortForwardResponse.js';
import { criErrors } from '../cri/status.js';
import { criContainerState } from './container-status.js';
import type { RuntimeContext } from './runtime-context.js';

/*
 * Exec, Attach and PortForward do not stream over gRPC: they check the request and return a
 * one-time URL of the runtime's streaming server, which the client (crictl, or the kubelet on
 * behalf of kubectl) then connects to (containerd's container_exec.go, container_attach.go,
 * sandbox_portforward.go and the cri-streaming validation, 1.6). Messages checked on 1.6.20.
 */

export async function exec(ctx: RuntimeContext, req: ExecRequest__Output): Promise<ExecResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `failed to find container "${req.containerId}" in store: ${cause}`);
  if (c.state !== 'CONTAINER_RUNNING') throw criErrors.unknown(`container is in ${criContainerState(c)} state`);
  if (req.tty && req.stderr) throw criErrors.invalidArgument('tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw criErrors.invalidArgument('one of stdin, stdout, or stderr must be set');
  const url = await ctx.streaming.url('exec', { kind: 'exec', containerId: c.id, cmd: req.cmd, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
  return { url };
}

export async function attach(ctx: RuntimeContext, req: AttachRequest__Output): Promise<AttachResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `failed to find container in store: ${cause}`);
  if (c.state !== 'CONTAINER_RUNNING') throw criErrors.unknown(`container is in ${criContainerState(c)} state`);
  if (req.tty && req.stderr) throw criErrors.invalidArgument('tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw criErrors.invalidArgument('one of stdin, stdout, and stderr must be set');
  const url = await ctx.streaming.url('attach', { kind: 'attach', containerId: c.id, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
  return { url };
}

export async function portForward(ctx: RuntimeContext, req: PortForwardRequest__Output): Promise<PortForwardResponse> {
  const s = ctx.store.mustSandbox(req.podSandboxId, (cause) => `failed to find sandbox "${req.podSandboxId}": ${cause}`);
  if (s.state !== 'SANDBOX_READY') throw criErrors.unknown('sandbox container is not running');
  const url = await ctx.streaming.url('portforward', { kind: 'portforward', podSandboxId: s.id, ports: req.port });
  return { url };
}

import { join } from 'node:path';
import type { CreateContainerRequest__Output } from '../cri/generated/runtime/v1/CreateContainerRequest.js';
import type { CreateContainerResponse } from '../cri/generated/runtime/v1/CreateContainerResponse.js';
import { criErrors } from '../cri/status.js';
import { withRollback, type RuntimeContext } from './runtime-context.js';
import { createContainerFs, programFile } from './shell/index.js';
import type { ImageFile } from './images/image-config.js';
import type { ContainerRecord } from './store.js';

/** The image's files as the container's filesystem: programs become runnable, links are followed. */
export function imageRootfs(files: Record<string, ImageFile>): Record<string, string> {
  const out: Record<string, string> = {};
  const contentOf = (path: string, depth = 0): string | undefined => {
    const f = files[path];
    if (!f || depth > 8) return undefined;
    if (f.kind === 'file') return f.content;
    if (f.kind === 'program') return programFile(f.program);
    const target = f.target.startsWith('/') ? f.target : path.slice(0, path.lastIndexOf('/') + 1) + f.target;
    return contentOf(target, depth + 1);
  };
  for (const path of Object.keys(files)) {
    const content = contentOf(path);
    if (content !== undefined) out[path] = content;
  }
  return out;
}

/**
 * CreateContainer: the sandbox must exist and be ready, the name is reserved, the image must
 * already be local (no implicit pull), and the process arguments are worked out from the CRI
 * command/args and the image's ENTRYPOINT/CMD. Nothing runs yet: StartContainer does that.
 */
export async function createContainer(ctx: RuntimeContext, req: CreateContainerRequest__Output): Promise<CreateContainerResponse> {
  const sandbox = ctx.store.sandbox(req.podSandboxId);
  if (!sandbox) throw criErrors.notFound(`failed to find sandbox id "${req.podSandboxId}": not found`);
  const config = req.config;
  if (!config?.metadata) throw criErrors.unknown('container config must include metadata');
  const sm = sandbox.config.metadata!;
  const name = `${config.metadata.name}_${sm.name}_${sm.namespace}_${sm.uid}_${config.metadata.attempt}`;
  const id = ctx.random.id64();

  return withRollback(async (rb) => {
    ctx.store.names.reserve('container', name, id);
    rb.add('release container name', () => ctx.store.names.release(name));
    if (sandbox.state !== 'SANDBOX_READY') {
      throw criErrors.unknown(`failed to get sandbox container task: no running task found: task ${sandbox.id} not found: not found`);
    }
    const imageRef = config.image?.image ?? '';
    const image = ctx.images.resolveLocal(imageRef);

    // Kubernetes `command` replaces ENTRYPOINT and then drops CMD unless `args` is given;
    // `args` alone replaces CMD. (containerd's WithProcessArgs.)
    const argv = config.command.length
      ? [...config.command, ...config.args]
      : [...image.entrypoint, ...(config.args.length ? config.args : image.cmd)];
    if (argv.length === 0) {
      throw criErrors.unknown(`failed to generate container "${id}" spec: no command specified`);
    }
    const env: Record<string, string> = { ...image.env, HOSTNAME: sandbox.files['/etc/hostname']!.trim() };
    // KeyValue.value is `bytes` on the wire (any byte string is a valid env value).
    for (const kv of config.envs) env[kv.key] = Buffer.from(kv.value).toString('utf8');

    const files: Record<string, string> = { ...imageRootfs(image.files), ...sandbox.files, '/dev/termination-log': '' };
    const logPath = sandbox.config.logDirectory && config.logPath ? join(sandbox.config.logDirectory, config.logPath) : '';
    const uid = /^\d+$/.test(image.user) ? Number(image.user) : 0;
    const record: ContainerRecord = {
      id,
      name,
      sandboxId: sandbox.id,
      config,
      imageSpec: imageRef,
      imageId: image.id,
      imageRef: image.repoDigest || image.id,
      argv,
      env,
      workingDir: config.workingDir || image.workingDir || '/',
      user: { uid, gid: 0, username: /^\d+$/.test(image.user) ? '' : image.user },
      stopSignal: config.stopSignal && config.stopSignal !== 'SIGNAL_RUNTIME_DEFAULT' ? config.stopSignal.replace(/^SIGNAL_/, '') : image.stopSignal || 'SIGTERM',
      createdAt: ctx.clock.nowNanos(),
      startedAt: 0n,
      finishedAt: 0n,
      exitCode: 0,
      reason: '',
      message: '',
      state: 'CONTAINER_CREATED',
      busy: undefined,
      logPath,
      fs: createContainerFs(files),
      process: undefined,
      log: undefined,
      stopSignalSent: false,
      oomKilled: false,
    };
    ctx.store.containers.set(id, record);
    ctx.transition('container', id, config.metadata!.name, null, 'CONTAINER_CREATED', 'CreateContainer');
    ctx.events.emit('CONTAINER_CREATED_EVENT', id, sandbox);
    return { containerId: id };
  });
}

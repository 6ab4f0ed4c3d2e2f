import { join } from 'node:path';
import type { CreateContainerRequest__Output } from '../cri/generated/runtime/v1/CreateContainerRequest.js';
import type { CreateContainerResponse } from '../cri/generated/runtime/v1/CreateContainerResponse.js';
import { criErrors } from '../cri/status.js';
import { withRollback, type RuntimeContext } from './runtime-context.js';
import { programFile } from './shell/index.js';
import { OverlayFs } from './overlay-fs.js';
import type { ImageFile } from './images/image-config.js';
import { makeContainerRecord } from './records.js';

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
 * CreateContainer, in containerd 1.6's order: the sandbox must exist (NotFound) and its pause
 * task must be running (NotFound too: the task lookup fails), the config must have metadata,
 * the name is reserved, the image must already be local (no implicit pull), and the process
 * arguments are worked out from the CRI command/args and the image's ENTRYPOINT/CMD. Nothing
 * runs yet: StartContainer does that.
 */
export async function createContainer(ctx: RuntimeContext, req: CreateContainerRequest__Output): Promise<CreateContainerResponse> {
  const sandbox = ctx.store.mustSandbox(req.podSandboxId, (cause) => `failed to find sandbox id "${req.podSandboxId}": ${cause}`);
  if (sandbox.state !== 'SANDBOX_READY' || !sandbox.pause?.running) {
    throw criErrors.notFound(`failed to get sandbox container task: no running task found: task ${sandbox.id} not found: not found`);
  }
  const config = req.config;
  if (!config?.metadata) throw criErrors.unknown('container config must include metadata');
  // containerd names the container from the sandbox config sent with the request.
  const sm = req.sandboxConfig?.metadata ?? sandbox.config.metadata!;
  const name = `${config.metadata.name}_${sm.name}_${sm.namespace}_${sm.uid}_${config.metadata.attempt}`;
  const id = ctx.random.id64();

  return withRollback(async (rb) => {
    ctx.store.names.reserve('container', name, id);
    rb.add('release container name', () => ctx.store.names.release(name));
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

    // The image is the lower layer; the pod's files and the termination-message file go on top.
    const upper: Record<string, string> = { ...sandbox.files, '/dev/termination-log': '' };
    const logPath = sandbox.config.logDirectory && config.logPath ? join(sandbox.config.logDirectory, config.logPath) : '';
    const uid = /^\d+$/.test(image.user) ? Number(image.user) : 0;
    const record = makeContainerRecord(
      {
        id,
        name,
        sandboxId: sandbox.id,
        config,
        imageSpec: imageRef,
        imageId: image.id,
        imageRef: image.repoDigest || image.id,
        imageTag: image.repoTag,
        argv,
        env,
        workingDir: config.workingDir || image.workingDir || '/',
        user: { uid, gid: 0, username: /^\d+$/.test(image.user) ? '' : image.user },
        stopSignal: config.stopSignal && config.stopSignal !== 'SIGNAL_RUNTIME_DEFAULT' ? config.stopSignal.replace(/^SIGNAL_/, '') : image.stopSignal || 'SIGTERM',
        createdAt: ctx.clock.nowNanos(),
        startedAt: 0n,
        finishedAt: 0n,
        busy: undefined,
        logPath,
        fs: new OverlayFs(ctx.imageLayer(image), upper),
        process: undefined,
        log: undefined,
        oomKilled: false,
        resources: config.linux?.resources ?? null,
        outputListeners: new Set(),
      },
      ctx.containerMachine,
      ctx.trace,
    );
    ctx.store.containers.set(id, record);
    ctx.events.emit('CONTAINER_CREATED_EVENT', id, sandbox);
    ctx.changed();
    return { containerId: id };
  });
}

/**
 * A minimal CRI client for the lab's own use (tearing pods down properly on `lab down`, so that
 * containerd runs CNI DEL and removes netns itself). Loads proto/runtime/v1/api.proto when the
 * project has it; otherwise says so and the caller falls back to ctr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../../package-root.js';

export function criProtoPath(): string | undefined {
  const p = path.join(PACKAGE_ROOT, 'proto', 'runtime', 'v1', 'api.proto');
  return fs.existsSync(p) ? p : undefined;
}

type Unary = (req: object, meta: unknown, opts: { deadline: Date }, cb: (err: Error | null, res: any) => void) => void;

export interface LabCriClient {
  call<T = any>(method: string, req: object, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** A RuntimeService/ImageService client on the lab socket (snake_case fields, enums as strings). */
export async function criClient(socket: string): Promise<LabCriClient | undefined> {
  const proto = criProtoPath();
  if (!proto) return undefined;
  const grpc = await import('@grpc/grpc-js');
  const loader = await import('@grpc/proto-loader');
  const def = await loader.load(proto, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as any;
  const v1 = pkg.runtime?.v1;
  if (!v1?.RuntimeService || !v1?.ImageService) return undefined;
  const target = `unix://${socket}`;
  const runtime = new v1.RuntimeService(target, grpc.credentials.createInsecure());
  const image = new v1.ImageService(target, grpc.credentials.createInsecure());
  const imageMethods = new Set(['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo']);
  return {
    call(method, req, timeoutMs = 30_000) {
      const svc = imageMethods.has(method) ? image : runtime;
      const fn = svc[method] as Unary | undefined;
      if (!fn) return Promise.reject(new Error(`no CRI method ${method}`));
      return new Promise((resolve, reject) => {
        fn.call(svc, req, new grpc.Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) =>
          err ? reject(err) : resolve(res),
        );
      });
    },
    close() {
      runtime.close();
      image.close();
    },
  };
}

/** Stops and removes every pod sandbox through CRI. Returns how many, or undefined without a proto. */
export async function criRemoveAllPods(socket: string): Promise<number | undefined> {
  const c = await criClient(socket);
  if (!c) return undefined;
  try {
    const list = await c.call<{ items: { id: string }[] }>('ListPodSandbox', {}, 10_000);
    for (const s of list.items) {
      await c.call('StopPodSandbox', { pod_sandbox_id: s.id }, 30_000);
      await c.call('RemovePodSandbox', { pod_sandbox_id: s.id }, 30_000);
    }
    return list.items.length;
  } finally {
    c.close();
  }
}

/** containerd's own client `ctr`, always pointed at the lab's socket. */
import { run, failureText, type RunResult } from './process.js';

export function ctr(socket: string, args: readonly string[], timeoutMs = 20_000): Promise<RunResult> {
  return run('ctr', ['--address', socket, ...args], { timeoutMs });
}

/** Server version from `ctr version`, or undefined if the socket does not answer. */
export async function containerdVersion(socket: string, timeoutMs = 3000): Promise<string | undefined> {
  const r = await ctr(socket, ['version'], timeoutMs);
  if (r.code !== 0) return undefined;
  const server = r.stdout.split(/^Server:/m)[1] ?? '';
  return /Version:\s*(\S+)/.exec(server)?.[1];
}

export async function namespaces(socket: string): Promise<string[]> {
  const r = await ctr(socket, ['namespaces', 'list', '--quiet']);
  if (r.code !== 0) throw new Error(failureText('ctr namespaces list', r));
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export async function containers(socket: string, ns: string): Promise<string[]> {
  const r = await ctr(socket, ['--namespace', ns, 'containers', 'list', '--quiet']);
  if (r.code !== 0) throw new Error(failureText(`ctr -n ${ns} containers list`, r));
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export interface TaskRow {
  id: string;
  pid: number;
  status: string;
}

export async function tasks(socket: string, ns: string): Promise<TaskRow[]> {
  const r = await ctr(socket, ['--namespace', ns, 'tasks', 'list']);
  if (r.code !== 0) throw new Error(failureText(`ctr -n ${ns} tasks list`, r));
  return r.stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && f[0])
    .map((f) => ({ id: f[0] as string, pid: Number(f[1]), status: f[2] as string }));
}

/** Network namespace paths in a container's OCI spec (CRI sandboxes join /var/run/netns/cni-…). */
export async function containerNetnsPath(socket: string, ns: string, id: string): Promise<string | undefined> {
  const r = await ctr(socket, ['--namespace', ns, 'containers', 'info', id]);
  if (r.code !== 0) return undefined;
  try {
    const info = JSON.parse(r.stdout) as { Spec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
    return info.Spec?.linux?.namespaces?.find((n) => n.type === 'network')?.path || undefined;
  } catch {
    return undefined;
  }
}

/** Kills and deletes every task and container in the namespace; returns how many containers. */
export async function removeAll(socket: string, ns: string): Promise<number> {
  for (const t of await tasks(socket, ns)) {
    if (t.status !== 'STOPPED') await ctr(socket, ['--namespace', ns, 'tasks', 'kill', '--all', '--signal', 'SIGKILL', t.id]);
  }
  // give the shims a moment to reap
  for (let i = 0; i < 50; i++) {
    const running = (await tasks(socket, ns)).filter((t) => t.status !== 'STOPPED');
    if (running.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const t of await tasks(socket, ns)) {
    await ctr(socket, ['--namespace', ns, 'tasks', 'delete', '--force', t.id]);
  }
  const ids = await containers(socket, ns);
  for (const id of ids) await ctr(socket, ['--namespace', ns, 'containers', 'delete', id]);
  return ids.length;
}

/** Status (`ok`, `skip`, `error`) of containerd plugins, keyed `type/id`, from `ctr plugins ls`. */
export async function pluginStatus(socket: string): Promise<Map<string, string>> {
  const r = await ctr(socket, ['plugins', 'list']);
  if (r.code !== 0) throw new Error(failureText('ctr plugins list', r));
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 3 && f[0] && f[1]) out.set(`${f[0]}/${f[1]}`, f[f.length - 1] as string);
  }
  return out;
}

import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/crilab.mjs');

interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, lines: [], stderr: [], exited: new Promise((r) => child.on('exit', (code) => r(code))) };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    p.lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => p.stderr.push(...d.toString().split('\n').filter(Boolean)));
  return p;
}

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const procs: Proc[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Line {
  event?: string;
  pod: string;
  phase: string;
  ready: string;
  status: string;
  restarts: number;
  ip: string;
}

describe('crilab kubelet: the kubelet alone against `crilab runtime`, two processes, real time', () => {
  it('runs a static pod from a manifest directory and deletes it when the file goes', async () => {
    if (!existsSync(join(root, 'dist/cli/kubelet.js'))) throw new Error('dist/ has no kubelet command: run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'crilab-kubelet-cli-'));
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    const socket = join(dir, 'runtime.sock');
    const runtime = start(['runtime', '--listen', `unix://${socket}`, '-q']);
    procs.push(runtime);
    await waitFor('the runtime socket', () => existsSync(socket), 30_000);
    writeFileSync(
      join(manifests, 'web.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  terminationGracePeriodSeconds: 2\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: ["sh", "-c", "echo hi; sleep 3600"]\n',
    );
    const kubelet = start(['kubelet', '--runtime-endpoint', `unix://${socket}`, '--pod-manifest-path', manifests, '--file-check-frequency', '1s', '--json']);
    procs.push(kubelet);
    const parsed = () => kubelet.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
    await waitFor('Running', () => parsed().some((l) => l.status === 'Running' && l.ready === '1/1'), 45_000);
    const running = parsed().find((l) => l.status === 'Running')!;
    expect(running).toMatchObject({ pod: 'default/web-node-1', phase: 'Running', restarts: 0, ip: '10.244.0.2' });
    expect(parsed()[0]).toMatchObject({ pod: 'default/web-node-1', phase: 'Pending', status: 'ContainerCreating', ready: '0/1' });
    expect(kubelet.stderr.some((l) => l.startsWith('node node-1 Ready: kubelet is posting ready status'))).toBe(true);

    rmSync(join(manifests, 'web.yaml'));
    await waitFor('the pod deleted', () => parsed().some((l) => l.event === 'DELETED'), 30_000);
    const statuses = parsed().map((l) => l.status);
    expect(statuses).toContain('Terminating');
    expect(parsed().find((l) => l.event === 'DELETED')).toMatchObject({ pod: 'default/web-node-1' });
    // Its container was stopped (SIGTERM ignored by `sleep`, SIGKILL after the 2 s grace).
    await waitFor('the container seen exited', () => parsed().some((l) => l.ready === '0/1' && l.status === 'Terminating'), 10_000);
    kubelet.child.kill('SIGTERM');
    expect(await kubelet.exited).toBe(0);
    expect(kubelet.stderr.at(-1)).toBe('crilab kubelet: stopped (pods keep running in the runtime)');
  }, 120_000);

  it('refuses bad input with one clear line and exit code 2', async () => {
    const p = start(['kubelet', '--runtime-endpoint', 'tcp://localhost:1', '--pod-manifest-path', '/tmp']);
    procs.push(p);
    expect(await p.exited).toBe(2);
    expect(p.stderr).toEqual(['crilab: --runtime-endpoint must be a unix:// endpoint, got "tcp://localhost:1"']);
  }, 60_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient } from '../../src/cri/client.js';
import { parseCriLog } from '../../src/runtime/container-log.js';
import { streamSession } from './runtime-helpers.js';

/**
 * `crilab runtime --listen unix://…` driven the way crictl drives a runtime (Debian has no
 * cri-tools package, so these are crictl's calls, in its order, from a CRI client):
 * version, runp, create, start, ps, pods, inspect, exec, logs, stop, rm, stopp, rmp. Then a
 * restart with the same --state-dir, and SIGTERM's clean-up of the socket.
 */
describe('crilab runtime (the CLI) with a crictl-like client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-cli-'));
  const socket = join(dir, 'crilab.sock');
  const stateDir = join(dir, 'state');
  const logRoot = join(dir, 'logs');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startCli(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['bin/crilab.mjs', 'runtime', '--listen', `unix://${socket}`, '--state-dir', stateDir, '--log-root', logRoot, '-q'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!/serving CRI v1/.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`crilab runtime exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`crilab runtime did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  }

  async function stopCli(child: ChildProcess): Promise<number | null> {
    child.kill('SIGTERM');
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  it('serves crictl’s calls, keeps state across a restart, and removes its socket on SIGTERM', async () => {
    const child = await startCli();
    expect(statSync(socket).mode & 0o777).toBe(0o660);
    const clock = new RealClock();
    const cri = createCriClient({ endpoint: `unix://${socket}`, clock, name: 'crictl' });
    const rt = cri.runtime;

    // crictl version
    expect(await rt.Version({ version: 'v1' })).toMatchObject({ version: '0.1.0', runtimeName: 'containerd', runtimeApiVersion: 'v1' });
    // crictl runp pod.json
    const podConfig = {
      metadata: { name: 'nginx-sandbox', namespace: 'default', uid: 'hdishd83djaidwnduwk28bcsb', attempt: 1 },
      logDirectory: '/tmp',
      linux: {},
    };
    const { podSandboxId } = await rt.RunPodSandbox({ config: podConfig });
    // crictl create <pod> container.json pod.json (crictl pulls the image first if missing)
    expect((await cri.image.ImageStatus({ image: { image: 'busybox:1.36' } })).image).toBeNull();
    await cri.image.PullImage({ image: { image: 'busybox:1.36' }, sandboxConfig: podConfig });
    const ctrConfig = { metadata: { name: 'busybox' }, image: { image: 'busybox:1.36' }, command: ['sh', '-c', 'echo hello from crilab; while true; do sleep 1; done'], logPath: 'busybox.0.log', linux: {} };
    const { containerId } = await rt.CreateContainer({ podSandboxId, config: ctrConfig, sandboxConfig: podConfig });
    // crictl start
    await rt.StartContainer({ containerId });
    // crictl ps / pods
    expect((await rt.ListContainers({ filter: { state: { state: 'CONTAINER_RUNNING' } } })).containers.map((c) => c.id)).toEqual([containerId]);
    expect((await rt.ListPodSandbox({ filter: {} })).items.map((p) => [p.id, p.state])).toEqual([[podSandboxId, 'SANDBOX_READY']]);
    // crictl inspect / inspectp
    const inspect = await rt.ContainerStatus({ containerId, verbose: true });
    expect(inspect.status).toMatchObject({ state: 'CONTAINER_RUNNING', logPath: '/tmp/busybox.0.log' });
    expect(JSON.parse(inspect.info.info!).sandboxID).toBe(podSandboxId);
    expect((await rt.PodSandboxStatus({ podSandboxId, verbose: true })).status?.network?.ip).toBe('10.244.0.2');
    // crictl exec -s (ExecSync) and crictl exec (Exec + the streaming URL)
    const sync = await rt.ExecSync({ containerId, cmd: ['cat', '/etc/hostname'], timeout: 0 });
    expect(Buffer.from(sync.stdout).toString()).toBe('node-1\n');
    const { url } = await rt.Exec({ containerId, cmd: ['echo', 'streamed'], stdout: true, stderr: true });
    const session = await streamSession(url, 'v4.channel.k8s.io');
    expect(session.messages.filter((m) => m[0] === 1).map((m) => m.subarray(1).toString()).join('')).toBe('streamed\n');
    // crictl logs: reads the file at ContainerStatus.logPath (here under --log-root)
    await new Promise((r) => setTimeout(r, 300));
    const log = parseCriLog(readFileSync(join(logRoot, '/tmp/busybox.0.log'), 'utf8'));
    expect(log[0]).toMatchObject({ stream: 'stdout', tag: 'F', content: 'hello from crilab' });

    // Restart with the same state directory: the runtime recovers as containerd does.
    cri.close();
    expect(await stopCli(child)).toBe(0);
    expect(existsSync(socket)).toBe(false);
    const again = await startCli();
    const cri2 = createCriClient({ endpoint: `unix://${socket}`, clock, name: 'crictl' });
    const s = (await cri2.runtime.PodSandboxStatus({ podSandboxId })).status!;
    expect(s).toMatchObject({ state: 'SANDBOX_NOTREADY', network: { ip: '10.244.0.2' } });
    const c = (await cri2.runtime.ContainerStatus({ containerId })).status!;
    expect(c).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 255, reason: 'Unknown' });
    // Names stay reserved and the image is still there.
    await expect(cri2.runtime.RunPodSandbox({ config: podConfig })).rejects.toThrow(/is reserved for/);
    expect((await cri2.image.ImageStatus({ image: { image: 'busybox:1.36' } })).image?.repoTags).toEqual(['docker.io/library/busybox:1.36']);
    // crictl stop / rm / stopp / rmp
    await cri2.runtime.StopContainer({ containerId, timeout: 10 });
    await cri2.runtime.RemoveContainer({ containerId });
    await cri2.runtime.StopPodSandbox({ podSandboxId });
    await cri2.runtime.RemovePodSandbox({ podSandboxId });
    expect((await cri2.runtime.ListPodSandbox({})).items).toEqual([]);
    cri2.close();
    expect(await stopCli(again)).toBe(0);
    expect(existsSync(socket)).toBe(false);
    clock.stop();
  }, 60_000);
});

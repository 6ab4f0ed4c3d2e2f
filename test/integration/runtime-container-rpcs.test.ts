import { readFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCriLog } from '../../src/runtime/container-log.js';
import { containerConfig, expectRpcError, runPod, sandboxConfig, startRuntime, type RuntimeHarness } from './runtime-helpers.js';

const BOGUS = 'f'.repeat(64);

describe('simulated runtime: container RPCs', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startRuntime();
    await h.cri.image.PullImage({ image: { image: 'busybox:1.36' } });
  });
  afterEach(async () => h.close());

  async function sandbox(name = 'pod') {
    const config = sandboxConfig(name);
    const { podSandboxId } = await h.cri.runtime.RunPodSandbox({ config });
    return { podSandboxId, config };
  }

  it('CreateContainer: bad requests answer as containerd', async () => {
    const { podSandboxId, config } = await sandbox();
    await expectRpcError(h.cri.runtime.CreateContainer({ podSandboxId: BOGUS, config: containerConfig('x', ['true']), sandboxConfig: config }), 'NOT_FOUND', `failed to find sandbox id "${BOGUS}": not found`);
    await expectRpcError(h.cri.runtime.CreateContainer({ podSandboxId, config: { image: { image: 'busybox:1.36' } }, sandboxConfig: config }), 'UNKNOWN', 'container config must include metadata');
    await expectRpcError(
      h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('x', ['true'], { image: { image: 'nope:9' } }), sandboxConfig: config }),
      'NOT_FOUND',
      'failed to resolve image "nope:9": not found',
    );
    const { containerId } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('app', ['true']), sandboxConfig: config });
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
    const name = `app_pod_default_${config.metadata!.uid}_0`;
    await expectRpcError(
      h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('app', ['true']), sandboxConfig: config }),
      'UNKNOWN',
      `failed to reserve container name "${name}": name "${name}" is reserved for "${containerId}"`,
    );
    // The name is released when the container is removed.
    await h.cri.runtime.RemoveContainer({ containerId });
    await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('app', ['true']), sandboxConfig: config });
  });

  it('CREATED → RUNNING → EXITED with Completed / Error, exit codes and times', async () => {
    const { podSandboxId, config } = await sandbox();
    const mk = async (name: string, cmd: string[]) => (await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig(name, cmd), sandboxConfig: config })).containerId;
    const ok = await mk('ok', ['sh', '-c', 'echo done']);
    const bad = await mk('bad', ['sh', '-c', 'sleep 2; exit 7']);
    const created = (await h.cri.runtime.ContainerStatus({ containerId: ok })).status!;
    expect(created).toMatchObject({ state: 'CONTAINER_CREATED', startedAt: '0', finishedAt: '0', exitCode: 0, reason: '' });
    expect(created.image?.image).toBe('docker.io/library/busybox:1.36');
    expect(created.imageRef).toMatch(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    await h.cri.runtime.StartContainer({ containerId: ok });
    await h.cri.runtime.StartContainer({ containerId: bad });
    await expectRpcError(h.cri.runtime.StartContainer({ containerId: bad }), 'UNKNOWN', `failed to set starting state for container "${bad}": container is in CONTAINER_RUNNING state`);
    await h.clock.sleep(3000);
    const a = (await h.cri.runtime.ContainerStatus({ containerId: ok })).status!;
    const b = (await h.cri.runtime.ContainerStatus({ containerId: bad })).status!;
    expect(a).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed' });
    expect(b).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 7, reason: 'Error' });
    expect(Number(BigInt(b.finishedAt) - BigInt(b.startedAt)) / 1e9).toBeCloseTo(2, 3);
    await expectRpcError(h.cri.runtime.StartContainer({ containerId: bad }), 'UNKNOWN', `failed to set starting state for container "${bad}": container is in CONTAINER_EXITED state`);
    await expectRpcError(h.cri.runtime.StartContainer({ containerId: BOGUS }), 'NOT_FOUND', `an error occurred when try to find container "${BOGUS}": not found`);
  });

  it('StartContainer with a missing executable: StartError, exit 128, runc’s message', async () => {
    const { podSandboxId, config } = await sandbox();
    const { containerId } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('bad', ['/nope']), sandboxConfig: config });
    const message =
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory: unknown';
    await expectRpcError(h.cri.runtime.StartContainer({ containerId }), 'UNKNOWN', message);
    expect((await h.cri.runtime.ContainerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 128, reason: 'StartError', message });
  });

  it('StopContainer: SIGTERM, then SIGKILL at the deadline; a trap exits on its own; timeout 0; already stopped; unknown ID', async () => {
    const { podSandboxId, config } = await sandbox();
    const mk = async (name: string, cmd: string[]) => {
      const { containerId } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig(name, cmd), sandboxConfig: config });
      await h.cri.runtime.StartContainer({ containerId });
      return containerId;
    };
    const ignore = await mk('ignore', ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done']);
    const graceful = await mk('graceful', ['sh', '-c', 'trap "echo bye; exit 3" TERM; while true; do sleep 1; done']);
    const plain = await mk('plain', ['sleep', '3600']);
    await h.clock.sleep(500);
    let t0 = h.clock.now();
    await h.cri.runtime.StopContainer({ containerId: ignore, timeout: 2 });
    expect(h.clock.now() - t0).toBe(2000);
    expect((await h.cri.runtime.ContainerStatus({ containerId: ignore })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
    t0 = h.clock.now();
    await h.cri.runtime.StopContainer({ containerId: graceful, timeout: 5 });
    expect(h.clock.now() - t0).toBeLessThan(1000);
    expect((await h.cri.runtime.ContainerStatus({ containerId: graceful })).status).toMatchObject({ exitCode: 3, reason: 'Error' });
    t0 = h.clock.now();
    await h.cri.runtime.StopContainer({ containerId: plain, timeout: 0 });
    expect(h.clock.now() - t0).toBe(0);
    expect((await h.cri.runtime.ContainerStatus({ containerId: plain })).status).toMatchObject({ exitCode: 137 });
    // Stopping a stopped (or never started) container succeeds and changes nothing.
    await h.cri.runtime.StopContainer({ containerId: plain, timeout: 2 });
    const { containerId: created } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('created', ['true']), sandboxConfig: config });
    await h.cri.runtime.StopContainer({ containerId: created, timeout: 1 });
    expect((await h.cri.runtime.ContainerStatus({ containerId: created })).status?.state).toBe('CONTAINER_CREATED');
    await expectRpcError(h.cri.runtime.StopContainer({ containerId: BOGUS, timeout: 0 }), 'NOT_FOUND', `an error occurred when try to find container "${BOGUS}": not found`);
    // The stop signal went once even if StopContainer was called twice while the first waited.
    const twice = await mk('twice', ['sh', '-c', 'trap "echo term" TERM; while true; do sleep 1; done']);
    await Promise.all([h.cri.runtime.StopContainer({ containerId: twice, timeout: 2 }), h.cri.runtime.StopContainer({ containerId: twice, timeout: 2 })]);
    const log = parseCriLog(readFileSync(join(h.dir, 'logs', config.logDirectory!, 'twice/0.log'), 'utf8'));
    expect(log.filter((r) => r.content === 'term')).toHaveLength(1);
  });

  it('OOM kill and crash faults give OOMKilled and the crash exit code', async () => {
    const { podSandboxId, config } = await sandbox('faulty');
    const mk = async (name: string) => {
      const { containerId } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig(name, ['sleep', '3600']), sandboxConfig: config });
      await h.cri.runtime.StartContainer({ containerId });
      return containerId;
    };
    const oom = await mk('oom');
    const crash = await mk('crash');
    h.runtime.oomKill('faulty', 'default', 'oom');
    h.runtime.crashContainer('faulty', 'default', 'crash', 2);
    await h.clock.sleep(10);
    expect((await h.cri.runtime.ContainerStatus({ containerId: oom })).status).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect((await h.cri.runtime.ContainerStatus({ containerId: crash })).status).toMatchObject({ exitCode: 2, reason: 'Error' });
  });

  it('RemoveContainer kills a running container first; unknown ID is fine; later lookups are NotFound', async () => {
    const { containerId } = await runPod(h.cri, 'rm');
    await h.cri.runtime.RemoveContainer({ containerId });
    await expectRpcError(h.cri.runtime.ContainerStatus({ containerId }), 'NOT_FOUND', `an error occurred when try to find container "${containerId}": not found`);
    await h.cri.runtime.RemoveContainer({ containerId });
    await expectRpcError(h.cri.runtime.ContainerStatus({ containerId: '' }), 'UNKNOWN', `an error occurred when try to find container "": Prefix can't be empty`);
    const transitions = h.bus.events.filter((e) => e.kind === 'machine.transition' && e.machine === 'container' && e.id === containerId).map((e) => (e as { to: string }).to);
    expect(transitions).toEqual(['CONTAINER_CREATED', 'CONTAINER_RUNNING', 'CONTAINER_EXITED', 'removed']);
  });

  it('ContainerStatus verbose, and ListContainers filters (id, state, sandbox, labels)', async () => {
    const p1 = await runPod(h.cri, 'one');
    const p2 = await runPod(h.cri, 'two', ['true']);
    await h.clock.sleep(10);
    const v = await h.cri.runtime.ContainerStatus({ containerId: p1.containerId, verbose: true });
    const info = JSON.parse(v.info.info!);
    expect(info).toMatchObject({ sandboxID: p1.podSandboxId, removing: false, runtimeType: 'io.containerd.runc.v2' });
    expect(info.runtimeSpec.process.args).toEqual(['sh', '-c', 'while true; do sleep 3600; done']);
    expect(info.runtimeSpec.linux.namespaces[0]).toEqual({ type: 'pid' }); // its own PID namespace
    const ids = async (filter: object) => (await h.cri.runtime.ListContainers({ filter })).containers.map((c) => c.id).sort();
    expect(await ids({})).toEqual([p1.containerId, p2.containerId].sort());
    expect(await ids({ id: p2.containerId.slice(0, 9) })).toEqual([p2.containerId]);
    expect(await ids({ state: { state: 'CONTAINER_RUNNING' } })).toEqual([p1.containerId]);
    expect(await ids({ state: { state: 'CONTAINER_EXITED' } })).toEqual([p2.containerId]);
    expect(await ids({ podSandboxId: p1.podSandboxId.slice(0, 12) })).toEqual([p1.containerId]);
    expect(await ids({ labelSelector: { 'io.kubernetes.container.name': 'app' } })).toEqual([p1.containerId, p2.containerId].sort());
    expect(await ids({ labelSelector: { 'io.kubernetes.container.name': 'other' } })).toEqual([]);
  });

  it('UpdateContainerResources shows in ContainerStatus; an exited container takes it too; unknown ID', async () => {
    const { containerId } = await runPod(h.cri, 'res');
    await h.cri.runtime.UpdateContainerResources({ containerId, linux: { cpuShares: 512, memoryLimitInBytes: 64 * 1024 * 1024 } });
    const r = (await h.cri.runtime.ContainerStatus({ containerId })).status?.resources?.linux;
    expect(r).toMatchObject({ cpuShares: '512', memoryLimitInBytes: '67108864', memorySwapLimitInBytes: '67108864' });
    await h.cri.runtime.StopContainer({ containerId, timeout: 0 });
    await h.cri.runtime.UpdateContainerResources({ containerId, linux: { cpuShares: 256 } });
    expect((await h.cri.runtime.ContainerStatus({ containerId })).status?.resources?.linux?.cpuShares).toBe('256');
    await expectRpcError(h.cri.runtime.UpdateContainerResources({ containerId: BOGUS, linux: {} }), 'NOT_FOUND', 'failed to find container: not found');
  });

  it('ReopenContainerLog: after a rotation new lines go to a new file; only while running', async () => {
    const { containerId, config } = await runPod(h.cri, 'logs', ['sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 1; done']);
    const path = join(h.dir, 'logs', config.logDirectory!, 'app/0.log');
    await h.clock.sleep(1500);
    renameSync(path, `${path}.rotated`);
    await h.cri.runtime.ReopenContainerLog({ containerId });
    await h.clock.sleep(2000);
    const before = parseCriLog(readFileSync(`${path}.rotated`, 'utf8')).map((r) => r.content);
    const after = parseCriLog(readFileSync(path, 'utf8')).map((r) => r.content);
    expect(before).toEqual(['line 0', 'line 1']);
    expect(after[0]).toBe('line 2');
    await h.cri.runtime.StopContainer({ containerId, timeout: 0 });
    await expectRpcError(h.cri.runtime.ReopenContainerLog({ containerId }), 'UNKNOWN', 'container is not running');
    await expectRpcError(h.cri.runtime.ReopenContainerLog({ containerId: BOGUS }), 'NOT_FOUND', `an error occurred when try to find container "${BOGUS}": not found`);
    expect(existsSync(path)).toBe(true);
  });

  it('ExecSync: output and exit code; missing command, empty argv, timeout, stopped container, unknown ID', async () => {
    const { containerId } = await runPod(h.cri, 'exec');
    const r = await h.cri.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 4'] });
    expect({ out: Buffer.from(r.stdout).toString(), err: Buffer.from(r.stderr).toString(), code: r.exitCode }).toEqual({ out: 'out\n', err: 'err\n', code: 4 });
    await expectRpcError(
      h.cri.runtime.ExecSync({ containerId, cmd: ['nope-cmd'] }),
      'UNKNOWN',
      /^failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nope-cmd": executable file not found in \$PATH: unknown$/,
    );
    await expectRpcError(
      h.cri.runtime.ExecSync({ containerId, cmd: [] }),
      'UNKNOWN',
      /^failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: args must not be empty: unknown$/,
    );
    await expectRpcError(h.cri.runtime.ExecSync({ containerId, cmd: ['sleep', '5'], timeout: 1 }), 'DEADLINE_EXCEEDED', 'failed to exec in container: timeout 1s exceeded: context deadline exceeded');
    await expectRpcError(h.cri.runtime.ExecSync({ containerId: BOGUS, cmd: ['true'] }), 'NOT_FOUND', `failed to exec in container: failed to find container "${BOGUS}" in store: not found`);
    await h.cri.runtime.StopContainer({ containerId, timeout: 0 });
    await expectRpcError(h.cri.runtime.ExecSync({ containerId, cmd: ['true'] }), 'UNKNOWN', 'failed to exec in container: container is in CONTAINER_EXITED state');
  });
});

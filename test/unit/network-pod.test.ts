import { describe, expect, it } from 'vitest';
import { describeRuntimeMachines, isAllowedTransition } from '../../src/runtime/machines/index.js';
import { SimCniBridge, CRILAB_CONFLIST } from '../../src/runtime/network/cni-bridge.js';
import { HostLocalIpam } from '../../src/runtime/network/ipam-host-local.js';
import { NetnsRegistry } from '../../src/runtime/network/netns.js';
import { PodNetwork, PodNetworkError, type PodMeta } from '../../src/runtime/network/pod-network.js';
import { RuntimeRandom } from '../../src/runtime/random.js';
import { TraceBus } from '../../src/trace/bus.js';
import type { TraceEventOf } from '../../src/trace/events.js';

const POD: PodMeta = { name: 'web', namespace: 'default', uid: 'uid-1' };

function node(seed = 1, ipam?: HostLocalIpam) {
  const bus = new TraceBus({ now: () => 0 });
  const random = new RuntimeRandom(seed);
  const netns = new NetnsRegistry({ random, trace: bus.forSource('network') });
  const cni = new SimCniBridge({ netns, random, trace: bus.forSource('network'), ...(ipam ? { ipam } : {}) });
  const pods = new PodNetwork({ cni, netns });
  const transitions = () =>
    bus.events.filter((e): e is TraceEventOf<'machine.transition'> => e.kind === 'machine.transition');
  return { bus, random, netns, cni, pods, transitions };
}

describe('netns registry', () => {
  it('names namespaces as containerd does and lists them until removed', () => {
    const { netns } = node();
    const a = netns.create('sb-a');
    expect(a.path).toMatch(/^\/var\/run\/netns\/cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a.path).toBe(`/var/run/netns/${a.name}`);
    expect(a.state).toBe('created');
    const b = netns.create('sb-b');
    expect(netns.list().map((n) => n.sandboxId)).toEqual(['sb-a', 'sb-b']);
    expect(netns.leaked(['sb-b']).map((n) => n.sandboxId)).toEqual(['sb-a']);
    netns.remove(a.path);
    expect(netns.remove(a.path)).toEqual([]); // idempotent
    expect(netns.list().map((n) => n.path)).toEqual([b.path]);
    expect(() => netns.addInterface(a.path, { name: 'eth0', kind: 'veth', mac: 'x', addresses: [] })).toThrow(
      `failed to Statfs "${a.path}": no such file or directory`,
    );
  });
});

describe('bridge + host-local CNI ADD/DEL', () => {
  it('returns the bridge plugin\'s result shape and wires the netns', () => {
    const { netns, cni } = node();
    const ns = netns.create('sb-1');
    const args = { K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: 'web', K8S_POD_INFRA_CONTAINER_ID: 'sb-1', K8S_POD_UID: 'uid-1' };
    const result = cni.add({ containerId: 'sb-1', netnsPath: ns.path, ifName: 'eth0', args });
    expect(result.cniVersion).toBe(CRILAB_CONFLIST.cniVersion);
    expect(result.interfaces.map((i) => i.name)).toEqual(['crilab0', expect.stringMatching(/^veth[0-9a-f]{8}$/), 'eth0']);
    expect(result.interfaces[2]?.sandbox).toBe(ns.path);
    for (const i of result.interfaces) expect(i.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(result.ips).toEqual([{ address: '10.244.0.2/24', gateway: '10.244.0.1', interface: 2 }]);
    expect(result.routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.244.0.1' }]);

    const inside = netns.get(ns.path);
    expect(inside?.interfaces.map((i) => [i.name, i.addresses])).toEqual([
      ['lo', ['127.0.0.1/8', '::1/128']],
      ['eth0', ['10.244.0.2/24']],
    ]);
    expect(inside?.interfaces[1]?.peer).toBe(result.interfaces[1]?.name);
    expect(cni.bridgeInfo()).toMatchObject({ name: 'crilab0', addresses: ['10.244.0.1/24'], ports: [result.interfaces[1]?.name], hairpinMode: true });
    expect(() => cni.check({ containerId: 'sb-1', netnsPath: ns.path, args })).not.toThrow();

    cni.del({ containerId: 'sb-1', netnsPath: ns.path, args });
    expect(netns.get(ns.path)?.interfaces).toEqual([]);
    expect(cni.bridgeInfo()?.ports).toEqual([]);
    expect(cni.ipam.allocations()).toEqual([]);
    expect(() => cni.del({ containerId: 'sb-1', netnsPath: ns.path, args })).not.toThrow();
    expect(() => cni.del({ containerId: 'sb-1', netnsPath: '', args })).not.toThrow();
    expect(() => cni.check({ containerId: 'sb-1', netnsPath: ns.path, args })).toThrow(
      'host-local: Failed to find address added by container sb-1',
    );
  });

  it('reports NetworkReady=false with containerd\'s reason and message when not initialised', () => {
    const { cni, bus } = node();
    expect(cni.networkCondition()).toEqual({ type: 'NetworkReady', status: true, reason: '', message: '' });
    cni.setNotReady();
    expect(cni.networkCondition()).toEqual({
      type: 'NetworkReady',
      status: false,
      reason: 'NetworkPluginNotReady',
      message: 'Network plugin returns error: cni plugin not initialized',
    });
    expect(bus.events.some((e) => e.kind === 'fault' && e.fault === 'cni-not-ready')).toBe(true);
    cni.setReady();
    expect(cni.networkCondition().status).toBe(true);
  });
});

describe('PodNetwork: RunPodSandbox / StopPodSandbox network steps', () => {
  it('sets up netns + IP, tears down, and the next pod gets the next IP', () => {
    const { pods, netns, cni, transitions } = node();
    const a = pods.setUp('sb-1', POD);
    expect(a.ip).toBe('10.244.0.2');
    expect(a.netnsPath).toMatch(/^\/var\/run\/netns\/cni-/);
    expect(netns.get(a.netnsPath)?.state).toBe('configured');
    expect(pods.attachment('sb-1')?.cniResult.ips[0]?.address).toBe('10.244.0.2/24');

    pods.tearDown('sb-1');
    pods.tearDown('sb-1'); // StopPodSandbox may repeat
    pods.tearDown('never-existed');
    expect(netns.list()).toEqual([]);
    expect(cni.ipam.allocations()).toEqual([]);
    expect(pods.attachment('sb-1')).toBeUndefined();

    // Sandbox recreated after pause died: a new netns and (round-robin) a new IP.
    const b = pods.setUp('sb-2', POD);
    expect(b.ip).toBe('10.244.0.3');
    expect(b.netnsPath).not.toBe(a.netnsPath);

    const firstNetns = a.netnsPath.split('/').pop();
    expect(transitions().filter((t) => t.id === firstNetns).map((t) => `${t.from}->${t.to}:${t.event}`)).toEqual([
      'null->absent:xstate.init',
      'absent->created:CREATE',
      'created->configured:CNI_ADD_OK',
      'configured->torn-down:CNI_DEL',
      'torn-down->removed:REMOVE',
    ]);
    for (const t of transitions()) {
      expect(t.machine).toBe('netns');
      expect(t.label).toBe('default/web');
      expect(isAllowedTransition(t.machine, t.from, t.to)).toBe(true);
    }
  });

  it('a failing CNI ADD is wrapped as containerd does and rolled back (DEL, then netns removed)', () => {
    const { pods, netns, cni, bus, transitions } = node();
    cni.failNextAdd('could not add IP address to "crilab0": permission denied');
    let err: unknown;
    try {
      pods.setUp('sb-1', POD);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PodNetworkError);
    expect((err as PodNetworkError).step).toBe('cni-add');
    expect((err as Error).message).toBe(
      'failed to setup network for sandbox "sb-1": plugin type="bridge" name="crilab" failed (add): could not add IP address to "crilab0": permission denied',
    );
    expect(netns.list()).toEqual([]);
    expect(cni.ipam.allocations()).toEqual([]);
    expect(bus.events.some((e) => e.kind === 'fault' && e.fault === 'cni-add-failed' && e.target === 'sb-1')).toBe(true);
    expect(transitions().map((t) => t.to)).toEqual(['absent', 'created', 'setup-failed', 'torn-down', 'removed']);
    // The fault was for one ADD only.
    expect(pods.setUp('sb-2', POD).ip).toBe('10.244.0.2');
  });

  it('failAdds(n) fails n ADDs in a row', () => {
    const n = node();
    n.cni.failAdds(2, 'timed out');
    expect(() => n.pods.setUp('a', POD)).toThrow(/failed \(add\): timed out$/);
    expect(() => n.pods.setUp('b', POD)).toThrow(/failed \(add\): timed out$/);
    expect(n.pods.setUp('c', POD).ip).toBe('10.244.0.2');
  });

  it('IP exhaustion surfaces host-local\'s error through the bridge, and the veth is cleaned up', () => {
    const ipam = new HostLocalIpam({ network: 'crilab', subnet: '10.244.0.0/30' }); // one usable address: .2
    const { pods, netns, cni } = node(1, ipam);
    expect(pods.setUp('sb-1', POD).ip).toBe('10.244.0.2');
    expect(() => pods.setUp('sb-2', POD)).toThrow(
      'failed to setup network for sandbox "sb-2": plugin type="bridge" name="crilab" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.0.1-10.244.0.2',
    );
    expect(netns.list().map((n) => n.sandboxId)).toEqual(['sb-1']);
    expect(cni.bridgeInfo()?.ports).toHaveLength(1);
  });

  it('no CNI config: RunPodSandbox fails with go-cni\'s error, StopPodSandbox too until it is back', () => {
    const { pods, netns, cni } = node();
    pods.setUp('sb-1', POD);
    cni.setNotReady('the CNI DaemonSet removed its config');
    expect(() => pods.setUp('sb-2', POD)).toThrow('failed to setup network for sandbox "sb-2": cni plugin not initialized');
    expect(() => pods.tearDown('sb-1')).toThrow('failed to destroy network for sandbox "sb-1": cni plugin not initialized');
    // The netns and IP stay until a Stop succeeds.
    expect(netns.list().map((n) => n.sandboxId)).toEqual(['sb-1']);
    cni.setReady();
    pods.tearDown('sb-1');
    expect(netns.list()).toEqual([]);
    expect(cni.ipam.allocations()).toEqual([]);
  });

  it('a failing CNI DEL keeps the netns and the IP (the leak a retry fixes)', () => {
    const { pods, netns, cni } = node();
    pods.setUp('sb-1', POD);
    cni.failNextDel('netlink: device busy');
    expect(() => pods.tearDown('sb-1')).toThrow(
      'failed to destroy network for sandbox "sb-1": plugin type="bridge" name="crilab" failed (delete): netlink: device busy',
    );
    expect(cni.ipam.allocations()).toHaveLength(1);
    pods.tearDown('sb-1');
    expect(cni.ipam.allocations()).toEqual([]);
    expect(netns.list()).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const n = node(99);
      const a = n.pods.setUp('sb-1', POD);
      return [a.netnsPath, a.cniResult.interfaces.map((i) => `${i.name}/${i.mac}`)];
    };
    expect(run()).toEqual(run());
  });

  it('the netns machine the registry drives is the one the UI draws', () => {
    const netnsMachine = describeRuntimeMachines().netns;
    expect(netnsMachine.states).toEqual(['absent', 'created', 'configured', 'setup-failed', 'torn-down', 'removed']);
  });
});

/**
 * The normaliser: IDs become stable names in order of first appearance, times become offsets
 * from the run's start, real-clock durations go; so two runs that behaved the same compare equal.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { normaliseTrace, withoutClockFacts } from '../../src/trace/normaliser.js';

const T0 = Date.UTC(2026, 0, 1);
const hex = (c: string) => c.repeat(64);
const SB1 = 'ab12' + hex('1').slice(4);
const SB2 = 'cd34' + hex('2').slice(4);
const CT1 = 'ef56' + hex('3').slice(4);
const IMG = hex('a');
const DIG = hex('b');
const UID = '6b042125-686a-43e0-8a68-23cf5bee102e';
const NETNS = 'cni-1bebecd3-3b83-e7af-dda7-5d9fed2e9c85';

let seq = 0;
let base = T0;
const ev = (t: number, body: Record<string, unknown>): TraceEvent => ({ seq: ++seq, t: base + t, source: 'kubelet', ...body }) as unknown as TraceEvent;

/** A run's trace with these IDs, starting at `startMs` on its clock. */
function trace(ids: { sb1: string; sb2: string; ct1: string; img: string; dig: string; uid: string; netns: string }, startMs = T0): TraceEvent[] {
  seq = 100;
  base = startMs;
  const start = 0;
  return [
    ev(start, { kind: 'cri.request', callId: 'kubelet-7', service: 's', method: 'RunPodSandbox', request: { config: { metadata: { uid: ids.uid }, linux: { cgroupParent: `/kubepods/besteffort/pod${ids.uid}` }, logDirectory: `/var/log/pods/default_web_${ids.uid}` } }, protoBytes: 1, jsonBytes: 2 }),
    { ...ev(start + 159, { kind: 'machine.transition', machine: 'netns', id: ids.netns, label: 'default/web', from: null, to: 'created', event: 'CREATE' }), source: 'runtime' } as TraceEvent,
    ev(start + 159, { kind: 'cri.response', callId: 'kubelet-7', service: 's', method: 'RunPodSandbox', response: { podSandboxId: ids.sb1 }, durationMs: 159, protoBytes: 66, jsonBytes: 83 }),
    ev(start + 200, { kind: 'cri.response', callId: 'kubelet-8', service: 's', method: 'PodSandboxStatus', response: { status: { id: ids.sb1, createdAt: String(BigInt(base + 100) * 1_000_000n + 1n), network: { ip: '10.244.0.2' } } }, durationMs: 0, protoBytes: 1, jsonBytes: 2 }),
    ev(start + 300, { kind: 'cri.response', callId: 'kubelet-9', service: 's', method: 'PullImage', response: { imageRef: `sha256:${ids.img}` }, durationMs: 211, protoBytes: 1, jsonBytes: 2 }),
    ev(start + 300, { kind: 'kube.event', pod: 'default/web', type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image "busybox:1.36" in 0.211s (0.211s including waiting)' }),
    ev(start + 400, { kind: 'cri.response', callId: 'kubelet-10', service: 's', method: 'CreateContainer', response: { containerId: ids.ct1 }, durationMs: 0, protoBytes: 1, jsonBytes: 2 }),
    ev(start + 500, { kind: 'cri.response', callId: 'kubelet-11', service: 's', method: 'ContainerStatus', response: { status: { id: ids.ct1, imageRef: `docker.io/library/busybox@sha256:${ids.dig}`, image: { image: `sha256:${ids.img}` }, size: '123456789012' } }, durationMs: 0, protoBytes: 1, jsonBytes: 2 }),
    ev(start + 600, { kind: 'kubelet.decision', pod: 'default/web', summary: `sandbox ${ids.sb1.slice(0, 12)} is SANDBOX_NOTREADY → recreate`, actions: {} }),
    ev(start + 600, { kind: 'cri.response', callId: 'kubelet-12', service: 's', method: 'RunPodSandbox', response: { podSandboxId: ids.sb2 }, durationMs: 0, protoBytes: 1, jsonBytes: 2 }),
    ev(start + 700, { kind: 'pod.status', pod: 'default/web', uid: ids.uid, status: { conditions: [{ type: 'Ready', lastTransitionTime: new Date(base + 700).toISOString() }] } }),
    ev(start + 800, { kind: 'log', level: 'warn', message: 'connect ENOENT /tmp/crilab-U5VzGw/runtime.sock; veth1a2b3c4d 0a:58:0a:f4:00:02' }),
  ];
}

const run1 = trace({ sb1: SB1, sb2: SB2, ct1: CT1, img: IMG, dig: DIG, uid: UID, netns: NETNS });
// Another seed and another start (a later run on another day).
const run2 = trace({ sb1: hex('9'), sb2: hex('8'), ct1: hex('7'), img: hex('c'), dig: hex('d'), uid: '11111111-2222-4333-8444-555555555555', netns: 'cni-00000000-1111-2222-3333-444444444444' }, T0 + 86_400_000 + 1234);

describe('normaliseTrace', () => {
  const n = normaliseTrace(run1);
  const text = n.map((e) => JSON.stringify(e)).join('\n');

  it('names IDs by kind, in order of first appearance', () => {
    expect(n[2]).toMatchObject({ response: { podSandboxId: 'sandbox-1' } });
    expect(n[9]).toMatchObject({ response: { podSandboxId: 'sandbox-2' } });
    expect(n[6]).toMatchObject({ response: { containerId: 'container-1' } });
    expect(n[1]).toMatchObject({ id: 'netns-1' });
    expect(n[4]).toMatchObject({ response: { imageRef: 'sha256:image-1' } });
    expect(n[7]).toMatchObject({ response: { status: { imageRef: 'docker.io/library/busybox@sha256:digest-1', image: { image: 'sha256:image-1' } } } });
    expect(n[0]).toMatchObject({ request: { config: { metadata: { uid: 'uid-1' }, linux: { cgroupParent: '/kubepods/besteffort/poduid-1' }, logDirectory: '/var/log/pods/default_web_uid-1' } } });
    expect(n.map((e) => (e as { callId?: string }).callId).filter(Boolean)).toEqual(['call-1', 'call-1', 'call-2', 'call-3', 'call-4', 'call-5', 'call-6']);
    for (const id of [SB1, SB2, CT1, IMG, DIG, UID, NETNS, 'U5VzGw', '1a2b3c4d', '0a:58']) expect(text).not.toContain(id);
  });

  it('names the short forms the kubelet prints after the full ID', () => {
    expect(n[8]).toMatchObject({ summary: 'sandbox sandbox-1 is SANDBOX_NOTREADY → recreate' });
  });

  it('leaves numbers alone, and replaces temp dirs, veths and MACs', () => {
    expect(n[7]).toMatchObject({ response: { status: { size: '123456789012' } } });
    expect(n[11]).toMatchObject({ message: 'connect ENOENT <tmp>/runtime.sock; veth-1 mac-1' });
  });

  it('makes times relative to the run start: t, int64 nanoseconds and RFC 3339', () => {
    expect(n.map((e) => e.t)).toEqual([0, 159, 159, 200, 300, 300, 400, 500, 600, 600, 700, 800]);
    expect(n[3]).toMatchObject({ response: { status: { createdAt: '+100ms' } } });
    expect(n[10]).toMatchObject({ status: { conditions: [{ lastTransitionTime: '+700ms' }] } });
    expect(normaliseTrace(run1, { startMs: T0 - 1000 })[0]!.t).toBe(1000);
    expect(normaliseTrace(run1, { times: 'drop' }).every((e) => e.t === 0)).toBe(true);
  });

  it('renumbers seq from 1', () => {
    expect(n.map((e) => e.seq)).toEqual(n.map((_, i) => i + 1));
  });

  it('keeps simulated durations, drops real-clock ones', () => {
    expect(n[2]).toMatchObject({ durationMs: 159 });
    expect(n[5]).toMatchObject({ message: 'Successfully pulled image "busybox:1.36" in 0.211s (0.211s including waiting)' });
    const real = normaliseTrace(run1, { clock: 'real' });
    expect(real[2]).not.toHaveProperty('durationMs');
    expect(real[5]).toMatchObject({ message: 'Successfully pulled image "busybox:1.36" in <duration>' });
    expect(withoutClockFacts(n)).toEqual(normaliseTrace(run1, { clock: 'real', times: 'drop' }));
  });

  it('gives the same trace for runs that differ only in IDs and start time', () => {
    expect(JSON.stringify(run2)).not.toBe(JSON.stringify(run1));
    expect(normaliseTrace(run2)).toEqual(normaliseTrace(run1));
  });

  it('is pure: the same input gives the same output, and the input is untouched', () => {
    const before = JSON.stringify(run1);
    expect(normaliseTrace(run1)).toEqual(n);
    expect(JSON.stringify(run1)).toBe(before);
  });
});

// Wire-compatibility test for proto/runtime/v1/api.proto.
//
// We encode two real-looking CRI requests with protobufjs (loaded from OUR
// proto) and compare the bytes with an encoding written out by hand below,
// field by field, from the field numbers and types of the UPSTREAM CRI v1 API.
// If our proto had a wrong field number, a wrong scalar type (say int32 where
// upstream has string) or a missing `repeated`, the bytes would differ and
// containerd would misread what our kubelet sends. This test is the proof that
// it does not.
//
// A 60-second refresher on the protobuf wire format:
//   every field is  <tag><payload>,  tag = varint(field_number << 3 | wire_type)
//   wire type 0 = VARINT: ints, bools, enums (negative ints take 10 bytes)
//   wire type 2 = LEN:    varint(length) then bytes: strings, bytes, nested
//                         messages, packed repeated scalars, and map entries
//   A map<K,V> field is a repeated nested message {1: key, 2: value}.
//   protobufjs writes fields in field-number order and map entries in
//   insertion order, so the byte comparison can be exact.
//
// Zero values (0, "", false, the first enum value): Go's encoder, used by
// containerd, crictl and the real kubelet, never writes them. protobufjs
// writes a field whenever the object sets it, even to zero: `protocol: 'TCP'`
// (TCP = 0) costs two bytes. Both are valid encodings of the same message: a
// decoder cannot tell them apart. So each message below is checked twice:
// as crilab writes it (zeros set explicitly), and in the canonical proto3
// form (zeros left out), which is what Go peers produce.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { CreateContainerRequest } from '../../src/cri/generated/runtime/v1/CreateContainerRequest.js';
import type { PodSandboxConfig } from '../../src/cri/generated/runtime/v1/PodSandboxConfig.js';
import type { RunPodSandboxRequest } from '../../src/cri/generated/runtime/v1/RunPodSandboxRequest.js';

const PROTO_PATH = fileURLToPath(new URL('../../proto/runtime/v1/api.proto', import.meta.url));

// ---------------------------------------------------------------------------
// A tiny hand-rolled protobuf writer: just enough to spell bytes out.
// ---------------------------------------------------------------------------

const VARINT = 0; // wire type 0
const LEN = 2; // wire type 2

/** Base-128 varint, 7 bits per byte, low bits first, MSB = "more follows".
 *  Negative numbers are written as their 64-bit two's complement (10 bytes). */
function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

/** The key in front of every field. */
function tag(fieldNumber: number, wireType: number): number[] {
  return varint((fieldNumber << 3) | wireType);
}

/** A length-delimited payload (wire type 2) with its tag. */
function lenField(fieldNumber: number, payload: number[]): number[] {
  return [...tag(fieldNumber, LEN), ...varint(payload.length), ...payload];
}

/** string field (wire type 2, UTF-8 bytes). */
function str(fieldNumber: number, s: string): number[] {
  return lenField(fieldNumber, [...Buffer.from(s, 'utf8')]);
}

/** bytes field (wire type 2). */
function bytes(fieldNumber: number, b: Uint8Array): number[] {
  return lenField(fieldNumber, [...b]);
}

/** int32/int64/uint32/uint64/bool/enum field (wire type 0). */
function num(fieldNumber: number, value: number | bigint | boolean): number[] {
  return [...tag(fieldNumber, VARINT), ...varint(typeof value === 'boolean' ? (value ? 1 : 0) : value)];
}

/** Nested message field (wire type 2): the fields of the inner message, concatenated. */
function msg(fieldNumber: number, ...fields: number[][]): number[] {
  return lenField(fieldNumber, fields.flat());
}

/** One entry of a map<string,string> field: a nested message {1: key, 2: value}. */
function mapEntry(fieldNumber: number, key: string, value: string): number[] {
  return msg(fieldNumber, str(1, key), str(2, value));
}

/** Packed repeated varint scalars (proto3's default for repeated numbers). */
function packed(fieldNumber: number, values: Array<number | bigint>): number[] {
  return lenField(fieldNumber, values.flatMap((v) => varint(v)));
}

function hex(b: Uint8Array | number[]): string {
  return Buffer.from(b).toString('hex');
}

// Sanity checks of the helper itself, with textbook values.
describe('hand-rolled wire helper', () => {
  it('writes varints and tags like the protobuf spec examples', () => {
    expect(varint(1)).toEqual([0x01]);
    expect(varint(150)).toEqual([0x96, 0x01]);
    expect(varint(-1)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(tag(1, LEN)).toEqual([0x0a]);
    expect(tag(18, VARINT)).toEqual([0x90, 0x01]); // field numbers >= 16 need a 2-byte tag
    expect(str(2, 'testing')).toEqual([0x12, 0x07, ...Buffer.from('testing')]);
  });
});

// ---------------------------------------------------------------------------
// The messages under test, typed with our generated types.
// `explicitZeros` says whether fields holding a zero value are set anyway.
// ---------------------------------------------------------------------------

const POD_UID = '6f1c2d3e-0000-4a5b-8c9d-0123456789ab';

function sandboxConfig(explicitZeros: boolean): PodSandboxConfig {
  return {
    metadata: { name: 'web', uid: POD_UID, namespace: 'default', attempt: 1 },
    hostname: 'web',
    logDirectory: `/var/log/pods/default_web_${POD_UID}`,
    dnsConfig: {
      servers: ['10.96.0.10'],
      searches: ['default.svc.cluster.local', 'svc.cluster.local'],
      options: ['ndots:5'],
    },
    portMappings: [
      // TCP is enum value 0, the default.
      { ...(explicitZeros ? { protocol: 'TCP' as const } : {}), containerPort: 80, hostPort: 8080 },
      { protocol: 'UDP', containerPort: 5353, hostIp: '127.0.0.1' },
    ],
    labels: { app: 'web', 'io.kubernetes.pod.name': 'web' },
    annotations: { 'kubernetes.io/config.source': 'file' },
    linux: {
      cgroupParent: `/kubepods/burstable/pod${POD_UID}`,
      securityContext: {
        // network and ipc are POD (= 0, the default); pid is CONTAINER (= 1).
        namespaceOptions: explicitZeros ? { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } : { pid: 'CONTAINER' },
        supplementalGroups: ['1000', '3000'],
      },
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
    },
  };
}

function runPodSandboxRequest(explicitZeros: boolean): RunPodSandboxRequest {
  return { config: sandboxConfig(explicitZeros), runtimeHandler: 'runc' };
}

function createContainerRequest(explicitZeros: boolean): CreateContainerRequest {
  return {
    podSandboxId: 'c0ffee00aa11',
    config: {
      metadata: { name: 'app', attempt: 2 },
      image: { image: 'docker.io/library/busybox:1.36', userSpecifiedImage: 'busybox:1.36' },
      command: ['/bin/sh', '-c'],
      args: ['echo hello; sleep 3600'],
      workingDir: '/',
      envs: [{ key: 'GREETING', value: Buffer.from('hello') }],
      mounts: [
        {
          containerPath: '/data',
          hostPath: `/var/lib/kubelet/pods/${POD_UID}/volumes/kubernetes.io~empty-dir/data`,
          readonly: true,
          propagation: 'PROPAGATION_HOST_TO_CONTAINER',
          mountOptions: ['noexec', 'nosuid'],
        },
      ],
      labels: { 'io.kubernetes.container.name': 'app' },
      annotations: { 'io.kubernetes.container.restartCount': '2' },
      logPath: 'app/2.log',
      linux: {
        resources: {
          cpuPeriod: '100000',
          cpuQuota: '50000',
          cpuShares: '512',
          memoryLimitInBytes: '67108864',
          oomScoreAdj: '-997', // negative int64: a 10-byte varint
        },
        securityContext: {
          // run as root: an Int64Value wrapper holding 0. The wrapper itself is
          // always present (that is its whole point); only its inner 0 may be left out.
          runAsUser: explicitZeros ? { value: '0' } : {},
          noNewPrivs: true,
        },
      },
      stopSignal: 'SIGNAL_SIGTERM', // CRI's own numbering: 23, not the kernel's 15
    },
    sandboxConfig: sandboxConfig(explicitZeros),
  };
}

// ---------------------------------------------------------------------------
// The same messages, written out by hand from upstream's field numbers.
// ---------------------------------------------------------------------------

/** A field explicitly set to its zero value: present only in crilab's encoding. */
function zero(explicitZeros: boolean, fieldNumber: number): number[] {
  return explicitZeros ? num(fieldNumber, 0) : [];
}

/** PodSandboxConfig, field by field. */
function expectedPodSandboxConfig(z: boolean): number[] {
  return [
    // 1: metadata, PodSandboxMetadata (LEN)
    ...msg(
      1,
      str(1, 'web'), //          PodSandboxMetadata.name        = 1, string (LEN)
      str(2, POD_UID), //        PodSandboxMetadata.uid         = 2, string (LEN)
      str(3, 'default'), //      PodSandboxMetadata.namespace   = 3, string (LEN)
      num(4, 1), //              PodSandboxMetadata.attempt     = 4, uint32 (VARINT)
    ),
    // 2: hostname, string (LEN)
    ...str(2, 'web'),
    // 3: log_directory, string (LEN)
    ...str(3, `/var/log/pods/default_web_${POD_UID}`),
    // 4: dns_config, DNSConfig (LEN); each repeated string is its own field occurrence
    ...msg(
      4,
      str(1, '10.96.0.10'), //                DNSConfig.servers  = 1, repeated string
      str(2, 'default.svc.cluster.local'), // DNSConfig.searches = 2, repeated string
      str(2, 'svc.cluster.local'),
      str(3, 'ndots:5'), //                   DNSConfig.options  = 3, repeated string
    ),
    // 5: port_mappings, repeated PortMapping (LEN, one occurrence per element)
    ...msg(
      5,
      zero(z, 1), //     PortMapping.protocol       = 1, enum Protocol: TCP = 0 (VARINT)
      num(2, 80), //     PortMapping.container_port = 2, int32 (VARINT)
      num(3, 8080), //   PortMapping.host_port      = 3, int32 (VARINT)
    ),
    ...msg(
      5,
      num(1, 1), //             PortMapping.protocol       = 1, enum Protocol: UDP = 1 (VARINT)
      num(2, 5353), //          PortMapping.container_port = 2, int32 (VARINT)
      // PortMapping.host_port = 3: not set, not written
      str(4, '127.0.0.1'), //   PortMapping.host_ip        = 4, string (LEN)
    ),
    // 6: labels, map<string,string>: one entry message {1: key, 2: value} per pair
    ...mapEntry(6, 'app', 'web'),
    ...mapEntry(6, 'io.kubernetes.pod.name', 'web'),
    // 7: annotations, map<string,string>
    ...mapEntry(7, 'kubernetes.io/config.source', 'file'),
    // 8: linux, LinuxPodSandboxConfig (LEN)
    ...msg(
      8,
      str(1, `/kubepods/burstable/pod${POD_UID}`), // LinuxPodSandboxConfig.cgroup_parent = 1, string
      // LinuxPodSandboxConfig.security_context = 2, LinuxSandboxSecurityContext (LEN)
      msg(
        2,
        // LinuxSandboxSecurityContext.namespace_options = 1, NamespaceOption (LEN)
        msg(
          1,
          zero(z, 1), // NamespaceOption.network = 1, enum NamespaceMode: POD = 0 (VARINT)
          num(2, 1), //  NamespaceOption.pid     = 2, enum NamespaceMode: CONTAINER = 1 (VARINT)
          zero(z, 3), // NamespaceOption.ipc     = 3, enum NamespaceMode: POD = 0 (VARINT)
        ),
        // LinuxSandboxSecurityContext.supplemental_groups = 5, repeated int64: PACKED (LEN)
        packed(5, [1000, 3000]),
      ),
      // LinuxPodSandboxConfig.sysctls = 3, map<string,string>
      mapEntry(3, 'net.ipv4.ip_unprivileged_port_start', '0'),
    ),
    // 9: windows, not set, not written
  ];
}

function expectedRunPodSandboxRequest(z: boolean): Uint8Array {
  return Uint8Array.from([
    ...lenField(1, expectedPodSandboxConfig(z)), // RunPodSandboxRequest.config          = 1, PodSandboxConfig (LEN)
    ...str(2, 'runc'), //                           RunPodSandboxRequest.runtime_handler = 2, string (LEN)
  ]);
}

function expectedCreateContainerRequest(z: boolean): Uint8Array {
  return Uint8Array.from([
    // 1: pod_sandbox_id, string (LEN)
    ...str(1, 'c0ffee00aa11'),
    // 2: config, ContainerConfig (LEN)
    ...msg(
      2,
      // ContainerConfig.metadata = 1, ContainerMetadata (LEN)
      msg(
        1,
        str(1, 'app'), // ContainerMetadata.name    = 1, string (LEN)
        num(2, 2), //     ContainerMetadata.attempt = 2, uint32 (VARINT)
      ),
      // ContainerConfig.image = 2, ImageSpec (LEN)
      msg(
        2,
        str(1, 'docker.io/library/busybox:1.36'), // ImageSpec.image                = 1, string
        str(18, 'busybox:1.36'), //                  ImageSpec.user_specified_image = 18, string (2-byte tag 0x92 0x01)
      ),
      str(3, '/bin/sh'), //                  ContainerConfig.command     = 3, repeated string
      str(3, '-c'),
      str(4, 'echo hello; sleep 3600'), //   ContainerConfig.args        = 4, repeated string
      str(5, '/'), //                        ContainerConfig.working_dir = 5, string
      // ContainerConfig.envs = 6, repeated KeyValue (LEN)
      msg(
        6,
        str(1, 'GREETING'), //               KeyValue.key   = 1, string
        bytes(2, Buffer.from('hello')), //   KeyValue.value = 2, bytes
      ),
      // ContainerConfig.mounts = 7, repeated Mount (LEN)
      msg(
        7,
        str(1, '/data'), // Mount.container_path = 1, string
        str(2, `/var/lib/kubelet/pods/${POD_UID}/volumes/kubernetes.io~empty-dir/data`), // Mount.host_path = 2
        num(3, true), //    Mount.readonly       = 3, bool (VARINT)
        num(5, 1), //       Mount.propagation    = 5, enum MountPropagation: PROPAGATION_HOST_TO_CONTAINER = 1
        str(11, 'noexec'), // Mount.mount_options = 11, repeated string
        str(11, 'nosuid'),
      ),
      mapEntry(9, 'io.kubernetes.container.name', 'app'), //           ContainerConfig.labels      = 9, map
      mapEntry(10, 'io.kubernetes.container.restartCount', '2'), //    ContainerConfig.annotations = 10, map
      str(11, 'app/2.log'), //                                          ContainerConfig.log_path    = 11, string
      // ContainerConfig.linux = 15, LinuxContainerConfig (LEN)
      msg(
        15,
        // LinuxContainerConfig.resources = 1, LinuxContainerResources (LEN)
        msg(
          1,
          num(1, 100000), //    LinuxContainerResources.cpu_period            = 1, int64 (VARINT)
          num(2, 50000), //     LinuxContainerResources.cpu_quota             = 2, int64
          num(3, 512), //       LinuxContainerResources.cpu_shares            = 3, int64
          num(4, 67108864), //  LinuxContainerResources.memory_limit_in_bytes = 4, int64
          num(5, -997), //      LinuxContainerResources.oom_score_adj         = 5, int64 (negative: 10 bytes)
        ),
        // LinuxContainerConfig.security_context = 2, LinuxContainerSecurityContext (LEN)
        msg(
          2,
          // LinuxContainerSecurityContext.run_as_user = 5, Int64Value (LEN): present even when empty
          msg(5, zero(z, 1)), // Int64Value.value = 1, int64: 0
          num(11, true), //      LinuxContainerSecurityContext.no_new_privs = 11, bool
        ),
      ),
      num(18, 23), // ContainerConfig.stop_signal = 18, enum Signal: SIGNAL_SIGTERM = 23 (2-byte tag 0x90 0x01)
    ),
    // 3: sandbox_config, PodSandboxConfig (LEN): the very same bytes as in RunPodSandbox
    ...lenField(3, expectedPodSandboxConfig(z)),
  ]);
}

// ---------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------

const root = protobuf.loadSync(PROTO_PATH); // keepCase false: camelCase names, like our generated types

const grpcDefinition = protoLoader.loadSync(PROTO_PATH, {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** What a reader sees: every field, defaults filled in, like grpc-js hands to a handler. */
function decodeFull(type: protobuf.Type, wire: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(Buffer.from(wire)), {
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
  });
}

const cases = [
  ['RunPodSandboxRequest', 'RunPodSandbox', runPodSandboxRequest, expectedRunPodSandboxRequest],
  ['CreateContainerRequest', 'CreateContainer', createContainerRequest, expectedCreateContainerRequest],
] as const;

describe.each(cases)('%s on the wire', (typeName, method, makeInput, makeExpected) => {
  const type = root.lookupType(`runtime.v1.${typeName}`);

  describe.each([
    ['as crilab writes it (zero values set explicitly)', true],
    ['canonical proto3, as Go peers write it (zero values left out)', false],
  ] as const)('%s', (_label, explicitZeros) => {
    const input = makeInput(explicitZeros);
    const expected = makeExpected(explicitZeros);

    it('protobufjs (our proto) writes exactly the hand-built upstream bytes', () => {
      expect(hex(type.encode(type.fromObject(input)).finish())).toBe(hex(expected));
    });

    it('the grpc-js serializer from @grpc/proto-loader writes the same bytes and reads them back', () => {
      const methodDef = (grpcDefinition['runtime.v1.RuntimeService'] as protoLoader.ServiceDefinition)[method];
      expect(methodDef).toBeDefined();
      if (methodDef === undefined) return;
      expect(hex(methodDef.requestSerialize(input))).toBe(hex(expected));
      expect(methodDef.requestDeserialize(Buffer.from(expected))).toMatchObject(input);
    });

    it('decodes the hand-built bytes back to the original message', () => {
      expect(decodeFull(type, expected)).toMatchObject(input);
      // A decoded message remembers which fields were on the wire, so
      // re-encoding it gives back the very same bytes.
      expect(hex(type.encode(type.decode(Buffer.from(expected))).finish())).toBe(hex(expected));
    });
  });

  it('both encodings are the same message to a reader', () => {
    const ours = makeExpected(true);
    const canonical = makeExpected(false);
    expect(ours.length).toBeGreaterThan(canonical.length); // the explicit zeros cost bytes...
    expect(decodeFull(type, ours)).toEqual(decodeFull(type, canonical)); // ...and carry no information
  });

  it('beware: re-encoding an object with every default filled in writes every zero field', () => {
    // grpc-js hands handlers such objects (proto-loader `defaults: true`).
    // Passing one straight back into a response is still correct, just bigger.
    const canonical = makeExpected(false);
    const full = decodeFull(type, canonical);
    const reencoded = type.encode(type.fromObject(full)).finish();
    expect(reencoded.length).toBeGreaterThan(makeExpected(true).length);
    expect(decodeFull(type, reencoded)).toEqual(full);
  });
});

describe('the byte comparison catches wire mistakes', () => {
  const source = readFileSync(PROTO_PATH, 'utf8');
  const input = runPodSandboxRequest(true);
  const expected = hex(expectedRunPodSandboxRequest(true));

  function encodeWith(mutate: (proto: string) => string): string {
    const mutated = mutate(source);
    expect(mutated).not.toBe(source); // the mutation must have applied
    const parsed = protobuf.parse(mutated, { keepCase: false }).root;
    // Without resolveAll(), protobufjs has not applied proto3's defaults yet
    // and would write repeated numbers unpacked.
    parsed.resolveAll();
    const t = parsed.lookupType('runtime.v1.RunPodSandboxRequest');
    return hex(t.encode(t.fromObject(input)).finish());
  }

  it('the unmutated proto matches', () => {
    expect(encodeWith((p) => `${p}\n`)).toBe(expected);
  });

  it.each([
    ['a renumbered field', (p: string) => p.replace('uint32 attempt = 4;', 'uint32 attempt = 5;')],
    ['a wrong scalar type', (p: string) => p.replace('uint32 attempt = 4;', 'sint32 attempt = 4;')],
    ['a wrong enum number', (p: string) => p.replace('UDP = 1;', 'UDP = 3;')],
    ['a lost `repeated`', (p: string) => p.replace('repeated string searches = 2;', 'string searches = 2;')],
    [
      'an unpacked repeated scalar',
      (p: string) =>
        p.replace(
          'repeated int64 supplemental_groups = 5;',
          'repeated int64 supplemental_groups = 5 [packed = false];',
        ),
    ],
  ])('%s changes the bytes', (_label, mutate) => {
    expect(encodeWith(mutate)).not.toBe(expected);
  });
});

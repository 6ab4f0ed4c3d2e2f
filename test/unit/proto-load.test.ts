// Loads proto/runtime/v1/api.proto the way crilab's gRPC code does and checks
// the shape of both CRI services against the upstream CRI v1 method list.
// If a method is missing, renamed or has the wrong streaming flag, real CRI
// peers (containerd, crictl) would get UNIMPLEMENTED or garbage: fail here first.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';

const PROTO_PATH = fileURLToPath(new URL('../../proto/runtime/v1/api.proto', import.meta.url));

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

// Upstream k8s.io/cri-api pkg/apis/runtime/v1/api.proto, in declaration order.
const RUNTIME_SERVICE_METHODS = [
  'Version',
  'RunPodSandbox',
  'StopPodSandbox',
  'RemovePodSandbox',
  'PodSandboxStatus',
  'ListPodSandbox',
  'StreamPodSandboxes',
  'CreateContainer',
  'StartContainer',
  'StopContainer',
  'RemoveContainer',
  'ListContainers',
  'StreamContainers',
  'ContainerStatus',
  'UpdateContainerResources',
  'ReopenContainerLog',
  'ExecSync',
  'Exec',
  'Attach',
  'PortForward',
  'ContainerStats',
  'ListContainerStats',
  'StreamContainerStats',
  'PodSandboxStats',
  'ListPodSandboxStats',
  'StreamPodSandboxStats',
  'UpdateRuntimeConfig',
  'Status',
  'CheckpointContainer',
  'CheckpointPod',
  'RestorePod',
  'GetContainerEvents',
  'ListMetricDescriptors',
  'ListPodSandboxMetrics',
  'StreamPodSandboxMetrics',
  'RuntimeConfig',
  'UpdatePodSandboxResources',
] as const;

const IMAGE_SERVICE_METHODS = [
  'ListImages',
  'StreamImages',
  'ImageStatus',
  'PullImage',
  'RemoveImage',
  'ImageFsInfo',
] as const;

// Every CRI method with a streamed response. None streams its request.
const SERVER_STREAMING = new Set<string>([
  'RuntimeService/StreamPodSandboxes',
  'RuntimeService/StreamContainers',
  'RuntimeService/StreamContainerStats',
  'RuntimeService/StreamPodSandboxStats',
  'RuntimeService/GetContainerEvents',
  'RuntimeService/StreamPodSandboxMetrics',
  'ImageService/StreamImages',
]);

// Request/response types that do not follow the <Method>Request/<Method>Response pattern.
const IRREGULAR_TYPES: Record<string, [string, string]> = {
  'RuntimeService/GetContainerEvents': ['GetEventsRequest', 'ContainerEventResponse'],
};

const packageDefinition = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);

function service(name: 'RuntimeService' | 'ImageService'): protoLoader.ServiceDefinition {
  const def = packageDefinition[`runtime.v1.${name}`];
  expect(def, `runtime.v1.${name} is missing`).toBeDefined();
  return def as protoLoader.ServiceDefinition;
}

function typeName(t: protoLoader.MessageTypeDefinition<object, object>): string | undefined {
  return (t.type as { name?: string }).name;
}

describe('CRI v1 proto loads with @grpc/proto-loader', () => {
  it('defines exactly the two CRI services in package runtime.v1', () => {
    const services = Object.keys(packageDefinition).filter((k) => {
      const v = packageDefinition[k];
      return v !== undefined && !('format' in v);
    });
    expect(services.sort()).toEqual(['runtime.v1.ImageService', 'runtime.v1.RuntimeService']);
  });

  it.each([
    ['RuntimeService', RUNTIME_SERVICE_METHODS],
    ['ImageService', IMAGE_SERVICE_METHODS],
  ] as const)('%s has exactly the upstream methods', (name, methods) => {
    expect(Object.keys(service(name))).toEqual([...methods]);
  });

  it('has 37 RuntimeService and 6 ImageService methods (43 RPCs)', () => {
    expect(RUNTIME_SERVICE_METHODS).toHaveLength(37);
    expect(IMAGE_SERVICE_METHODS).toHaveLength(6);
  });

  it.each([
    ...RUNTIME_SERVICE_METHODS.map((m) => ['RuntimeService', m] as const),
    ...IMAGE_SERVICE_METHODS.map((m) => ['ImageService', m] as const),
  ])('%s/%s: gRPC path, streaming flags and message types', (svc, method) => {
    const def = service(svc)[method];
    expect(def).toBeDefined();
    if (def === undefined) return;
    const key = `${svc}/${method}`;
    expect(def.path).toBe(`/runtime.v1.${svc}/${method}`);
    expect(def.requestStream).toBe(false);
    expect(def.responseStream).toBe(SERVER_STREAMING.has(key));
    const [req, res] = IRREGULAR_TYPES[key] ?? [`${method}Request`, `${method}Response`];
    expect(typeName(def.requestType)).toBe(req);
    expect(typeName(def.responseType)).toBe(res);
  });

  it('GetContainerEvents is a server-streaming RPC (evented PLEG)', () => {
    const def = service('RuntimeService').GetContainerEvents;
    expect(def?.requestStream).toBe(false);
    expect(def?.responseStream).toBe(true);
  });

  it('defines 175 messages and 11 enums (10 top-level, plus SecurityProfile.ProfileType)', () => {
    const byFormat = (format: string): string[] =>
      Object.entries(packageDefinition)
        .filter(([, v]) => v !== undefined && 'format' in v && v.format === format)
        .map(([k]) => k)
        .sort();
    expect(byFormat('Protocol Buffer 3 DescriptorProto')).toHaveLength(175);
    // proto-loader lists top-level enums only; nested ones live in their parent's descriptor.
    expect(byFormat('Protocol Buffer 3 EnumDescriptorProto')).toEqual(
      [
        'CgroupDriver',
        'ContainerEventType',
        'ContainerState',
        'MetricType',
        'MountPropagation',
        'NamespaceMode',
        'PodSandboxState',
        'Protocol',
        'Signal',
        'SupplementalGroupsPolicy',
      ].map((n) => `runtime.v1.${n}`),
    );
    type EnumDescriptor = { name: string; value: Array<{ name: string; number: number }> };
    const securityProfile = packageDefinition['runtime.v1.SecurityProfile'] as protoLoader.MessageTypeDefinition<
      object,
      object
    >;
    const nested = (securityProfile.type as { enumType: EnumDescriptor[] }).enumType;
    expect(nested.map((e) => e.name)).toEqual(['ProfileType']);
    expect(nested[0]?.value.map((v) => [v.name, v.number])).toEqual([
      ['RuntimeDefault', 0],
      ['Unconfined', 1],
      ['Localhost', 2],
    ]);
  });

  it('yields usable grpc-js client constructors for both services', () => {
    const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
      runtime: { v1: Record<string, grpc.ServiceClientConstructor> };
    };
    const runtime = loaded.runtime.v1.RuntimeService;
    const image = loaded.runtime.v1.ImageService;
    expect(typeof runtime).toBe('function');
    expect(typeof image).toBe('function');
    // grpc-js names the constructor by its short name; the full name is in each method's path.
    expect(runtime?.serviceName).toBe('RuntimeService');
    expect(runtime?.service.RunPodSandbox?.path).toBe('/runtime.v1.RuntimeService/RunPodSandbox');
    expect(image?.service.PullImage?.path).toBe('/runtime.v1.ImageService/PullImage');
    expect(Object.keys(runtime?.service ?? {})).toHaveLength(RUNTIME_SERVICE_METHODS.length);
    expect(Object.keys(image?.service ?? {})).toHaveLength(IMAGE_SERVICE_METHODS.length);
  });
});

describe("crilab's single parse of the proto (src/cri/proto.ts)", () => {
  it("gives grpc the same package definition proto-loader's loadSync gives", async () => {
    const { loadCri } = await import('../../src/cri/proto.js');
    const ours = loadCri().packageDefinition;
    const theirs = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const [name, def] of Object.entries(theirs)) {
      const mine = ours[name]!;
      if ('format' in def) {
        // Messages and enums: the descriptor grpc serialises with.
        expect(JSON.stringify((mine as protoLoader.MessageTypeDefinition<unknown, unknown>).type), name).toBe(JSON.stringify(def.type));
        continue;
      }
      for (const [method, m] of Object.entries(def as protoLoader.ServiceDefinition)) {
        const o = (mine as protoLoader.ServiceDefinition)[method]!;
        expect([o.path, o.requestStream, o.responseStream, o.originalName], `${name}.${method}`).toEqual([m.path, m.requestStream, m.responseStream, m.originalName]);
      }
    }
    const sample = { config: { metadata: { name: 'web', uid: 'u-1', namespace: 'default', attempt: 2 }, labels: { app: 'web' }, hostname: 'web' } };
    const run = (d: protoLoader.PackageDefinition) => (d['runtime.v1.RuntimeService'] as protoLoader.ServiceDefinition)['RunPodSandbox']!;
    expect(run(ours).requestSerialize(sample)).toEqual(run(theirs).requestSerialize(sample));
  });
});

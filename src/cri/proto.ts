import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { PACKAGE_ROOT } from '../package-root.js';
import type { ProtoGrpcType } from './generated/api.js';

/**
 * The options every part of crilab loads the CRI proto with. They shape the JS objects that
 * cross the wire: camelCase field names (proto3 JSON names), int64 as decimal strings (CRI
 * timestamps are nanoseconds, beyond 2^53), enums by name, defaults filled in on decode,
 * and the name of the set field on each oneof. The generated types assume exactly these.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const RUNTIME_SERVICE = 'runtime.v1.RuntimeService';
export const IMAGE_SERVICE = 'runtime.v1.ImageService';
export type CriServiceName = typeof RUNTIME_SERVICE | typeof IMAGE_SERVICE;

export interface LoadedCri {
  packageDefinition: protoLoader.PackageDefinition;
  grpcObject: ProtoGrpcType;
  /** protobufjs reflection of the same file: for byte sizes and canonical proto3 JSON. */
  root: protobuf.Root;
  runtimeService: grpc.ServiceDefinition;
  imageService: grpc.ServiceDefinition;
  /** Milliseconds spent loading and parsing the proto (reported by `crilab run --timings`). */
  loadMs: number;
}

let cached: LoadedCri | undefined;

/** Where api.proto lives: proto/ at crilab's package root. */
export function protoPath(): string {
  const p = join(PACKAGE_ROOT, 'proto/runtime/v1/api.proto');
  if (!existsSync(p)) throw new Error(`crilab: cannot find proto/runtime/v1/api.proto in ${PACKAGE_ROOT}`);
  return p;
}

/** Load the CRI v1 proto once per process. */
export function loadCri(): LoadedCri {
  if (cached) return cached;
  const started = performance.now();
  const file = protoPath();
  // The .proto text is parsed once, by protobufjs (the parse is most of the load time); grpc's
  // package definition is made from that reflection, as proto-loader's loadSync would make it
  // from its own parse of the same file.
  const root = new protobuf.Root();
  root.loadSync(file, { keepCase: PROTO_LOADER_OPTIONS.keepCase ?? false });
  root.resolveAll();
  const packageDefinition = protoLoader.fromJSON(root.toJSON(), PROTO_LOADER_OPTIONS);
  const grpcObject = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
  cached = {
    packageDefinition,
    grpcObject,
    root,
    runtimeService: grpcObject.runtime.v1.RuntimeService.service,
    imageService: grpcObject.runtime.v1.ImageService.service,
    loadMs: performance.now() - started,
  };
  return cached;
}

/** The RPC names of a service, in proto order. */
export function methodNames(service: CriServiceName): string[] {
  const cri = loadCri();
  const def = service === RUNTIME_SERVICE ? cri.runtimeService : cri.imageService;
  return Object.keys(def).filter((k) => /^[A-Z]/.test(k));
}

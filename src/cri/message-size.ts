import type protobuf from 'protobufjs';
import { loadCri } from './proto.js';

/**
 * Sizes of one CRI message: its protobuf encoding (what crosses the socket) and the same
 * message as canonical proto3 JSON (what it would weigh as JSON), plus that JSON itself, which
 * the trace keeps. Defaults are left out of the JSON, as the proto3 JSON mapping does, so a
 * learner sees exactly the fields that were set.
 */
export interface SizedMessage {
  json: unknown;
  protoBytes: number;
  jsonBytes: number;
}

const typeCache = new Map<string, protobuf.Type>();

function lookupType(fullName: string): protobuf.Type {
  let t = typeCache.get(fullName);
  if (!t) {
    t = loadCri().root.lookupType(fullName);
    typeCache.set(fullName, t);
  }
  return t;
}

/** Looked up once per method and side: the trace asks for every message of every call. */
const typeNameCache = new Map<string, string>();

/** `runtime.v1.RunPodSandboxRequest` for a method's request or response type. */
export function messageTypeName(service: string, method: string, side: 'request' | 'response'): string {
  const key = `${service}/${method}/${side}`;
  let name = typeNameCache.get(key);
  if (name === undefined) {
    const svc = loadCri().root.lookupService(service);
    const m = svc.methods[method];
    if (!m) throw new Error(`unknown method ${service}/${method}`);
    m.resolve();
    const t = side === 'request' ? m.resolvedRequestType : m.resolvedResponseType;
    name = t!.fullName.replace(/^\./, '');
    typeNameCache.set(key, name);
  }
  return name;
}

/**
 * protobufjs writes a scalar that was set to its default (attempt: 0) onto the wire; Go's
 * protobuf, which containerd and the kubelet use, leaves proto3 defaults out. Prune them so
 * the sizes and JSON are the ones a real node would show.
 */
function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (field.map) return typeof v === 'object' && Object.keys(v as object).length === 0;
  if (field.repeated) return Array.isArray(v) && v.length === 0;
  if (field.partOf || field.options?.['proto3_optional']) return false;
  if (field.resolvedType && 'fields' in field.resolvedType) return false; // a set sub-message is kept, even if empty
  if (field.resolvedType && 'values' in field.resolvedType) {
    const values = (field.resolvedType as protobuf.Enum).values;
    return v === 0 || values[v as string] === 0;
  }
  if (typeof v === 'string') return v === '' || v === '0' && field.long;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return v === false;
  if (typeof v === 'object' && 'low' in (v as object)) return (v as { low: number; high: number }).low === 0 && (v as { high: number }).high === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function prune(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (isDefault(field, v)) continue;
    const sub = field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
    if (sub && field.map) {
      out[field.name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, prune(sub, x as Record<string, unknown>)]));
    } else if (sub && field.repeated) {
      out[field.name] = (v as Record<string, unknown>[]).map((x) => prune(sub, x));
    } else if (sub) {
      out[field.name] = prune(sub, v as Record<string, unknown>);
    } else {
      out[field.name] = v;
    }
  }
  return out;
}

export function sizeMessage(typeName: string, value: unknown): SizedMessage {
  const type = lookupType(typeName);
  // Normalise through protobufjs first (enum names, int64 strings), then drop proto3 defaults.
  const normal = type.toObject(type.fromObject(value as Record<string, unknown>), { longs: String, enums: String, bytes: String, json: true });
  const canonical = prune(type, normal);
  const bytes = type.encode(type.fromObject(canonical)).finish();
  const text = JSON.stringify(canonical);
  return { json: canonical, protoBytes: bytes.length, jsonBytes: Buffer.byteLength(text, 'utf8') };
}

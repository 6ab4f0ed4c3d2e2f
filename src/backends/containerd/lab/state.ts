/**
 * lab.json: what `lab up` found on the host and what it created or started, so that `lab down`
 * removes exactly that and nothing else. Written after every change.
 */
import fs from 'node:fs';
import * as z from 'zod';

export const LAB_STATE_VERSION = 1;

const HostBefore = z.object({
  /** parents of the lab dir that `up` created (removed by `down` when empty) */
  createdDirs: z.array(z.string()),
  /** named network namespaces that existed before `up`: never deleted */
  netnsBefore: z.array(z.string()),
  hadNetnsDir: z.boolean(),
  hadCniCacheDir: z.boolean(),
  hadContainerdRunDir: z.boolean(),
  hadBridge: z.boolean(),
  /** /proc/sys/net/ipv4/ip_forward before up (the bridge plugin sets it to 1 for a gateway) */
  ipForwardBefore: z.string().optional(),
  /** cgroup directories named like containerd namespaces that existed before up */
  cgroupsBefore: z.array(z.string()),
});

const ProcessRecord = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  /** arguments that identify it in /proc/PID/cmdline (guards against recycled pids) */
  argv: z.array(z.string()),
});

export const LabStateSchema = z.object({
  version: z.literal(LAB_STATE_VERSION),
  dir: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  host: HostBefore,
  packages: z.object({
    /** every dpkg package `up` installed (the lab's and their dependencies), name:arch */
    installedByLab: z.array(z.string()),
  }),
  registry: ProcessRecord.extend({ port: z.number().int() }).optional(),
  containerd: ProcessRecord.extend({ version: z.string(), snapshotter: z.string() }).optional(),
  images: z.array(z.object({ ref: z.string(), repository: z.string(), tag: z.string(), digest: z.string() })),
});

export type LabState = z.infer<typeof LabStateSchema>;
export type HostBeforeState = z.infer<typeof HostBefore>;

export function readLabState(file: string): LabState | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = LabStateSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file} is not a lab.json this crilab understands: ${parsed.error.message.split('\n')[0]}`);
  return parsed.data;
}

export function writeLabState(file: string, state: LabState): void {
  state.updatedAt = new Date().toISOString();
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

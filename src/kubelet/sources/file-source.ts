/**
 * The static-pod file source (k8s:pkg/kubelet/config/file.go): the directory `staticPodPath`
 * (or a single file) is listed at start and then every `fileCheckFrequency` (20 s) on the
 * Clock. Every non-hidden regular file (glob `[^.]*`, sorted, not recursive) holds one pod;
 * each listing replaces the whole file-source set, so deleting a file deletes its pod and a file
 * that stops parsing drops its pod too. Problems are logged and the file skipped, as upstream.
 *
 * The directory is read with synchronous fs calls on purpose: on the simulated clock, a listing
 * then happens at one exact simulated instant, and the run stays reproducible.
 * Left out: the inotify watch upstream adds on Linux (changes are seen at the next period).
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../clock/clock.js';
import { FileSource, fileCheckFrequencyMs } from '../constants.js';
import { decodeSinglePod } from './decode.js';
import { preparePod } from './static-pod.js';

export interface SourceLog {
  (level: 'info' | 'warn' | 'error', message: string): void;
}

export interface FilePodSourceOptions {
  path: string;
  nodeName: string;
  clock: Clock;
  /** The whole current set, after every listing. */
  onPods(pods: Pod[]): void;
  log: SourceLog;
  periodMs?: number;
}

/** klog's structured line: `"msg" key="value" …`. */
export function klogLine(msg: string, kv: Record<string, string>): string {
  return [JSON.stringify(msg), ...Object.entries(kv).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(' ');
}

export class FilePodSource {
  private timer: TimerHandle | undefined;
  private stopped = true;

  constructor(private readonly opts: FilePodSourceOptions) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.timer);
  }

  private tick(): void {
    if (this.stopped) return;
    this.listNow();
    this.timer = this.opts.clock.setTimeout(() => this.tick(), this.opts.periodMs ?? fileCheckFrequencyMs, 'file-source check');
  }

  /** One listing (upstream `listConfig`); hands the set to `onPods` and returns it. */
  listNow(): Pod[] {
    const { path, log } = this.opts;
    let isDir: boolean;
    try {
      const st = statSync(path);
      isDir = st.isDirectory();
      if (!isDir && !st.isFile()) throw new Error(`path is not a directory or file`);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      log('error', klogLine('Unable to read config path', { err: missing ? 'path does not exist, ignoring' : String((err as Error).message), path }));
      // Upstream still sends an empty set, so the source counts as seen.
      this.opts.onPods([]);
      return [];
    }
    const pods: Pod[] = [];
    const files = isDir ? readdirSync(path).filter((f) => !f.startsWith('.')).sort() : [''];
    for (const f of files) {
      const file = isDir ? join(path, f) : path;
      let st;
      try {
        st = statSync(file);
      } catch {
        continue; // removed between readdir and stat
      }
      if (st.isDirectory()) {
        log('info', klogLine('Not recursing into manifest path', { path: file }));
        continue;
      }
      if (!st.isFile()) {
        log('error', klogLine('Manifest path is not a directory or file', { path: file }));
        continue;
      }
      const result = this.extractFromFile(file);
      if ('error' in result) log('error', klogLine('Could not process manifest file', { err: result.error, path: file }));
      else pods.push(result.pod);
    }
    this.opts.onPods(pods);
    return pods;
  }

  private extractFromFile(file: string): { pod: Pod } | { error: string } {
    let data: string;
    try {
      data = readFileSync(file, 'utf8');
    } catch (err) {
      return { error: (err as Error).message };
    }
    const res = decodeSinglePod(data, (p) => preparePod(p, FileSource, this.opts.nodeName, { origin: file }));
    if ('pods' in res) return { pod: res.pods[0]! };
    if (res.parsed) return { error: res.error };
    return { error: `${file}: couldn't parse as pod(${res.error}), please check config file` };
  }
}

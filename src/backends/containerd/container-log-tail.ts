import fs from 'node:fs';
import path from 'node:path';
import { parseCriLog, type LogStream } from '../../runtime/container-log.js';
import type { TraceEmitter } from '../../trace/bus.js';
import type { WatchedCall } from './cri-call-watch.js';

/** How often a followed log file is read for new records (the sim emits them as written). */
export const LOG_POLL_MS = 100;

interface Followed {
  containerId: string;
  file: string;
  offset: number;
  /** bytes of an unfinished last line, kept until its newline arrives */
  rest: string;
}

/**
 * On containerd the container's output exists only in the CRI log file containerd writes
 * (`<timestamp> <stream> <F|P> <content>` per record, at log_directory/log_path). The backend
 * follows each file the kubelet named in CreateContainer and turns every record into a
 * `container.output` event, as the simulated runtime does when it writes the same file.
 */
export class ContainerLogTail {
  private readonly files = new Map<string, Followed>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly trace: TraceEmitter | undefined) {}

  onResponse(call: WatchedCall): void {
    if (call.method === 'CreateContainer' && call.response) {
      const dir = call.request['sandboxConfig']?.logDirectory;
      const logPath = call.request['config']?.logPath;
      const id = call.response['containerId'];
      if (typeof dir === 'string' && dir && typeof logPath === 'string' && logPath && typeof id === 'string') {
        this.follow(id, path.join(dir, logPath));
      }
    } else if (call.method === 'RemoveContainer' && !call.error) {
      const id = call.request['containerId'];
      if (typeof id === 'string') this.unfollow(id);
    }
  }

  follow(containerId: string, file: string): void {
    this.files.set(containerId, { containerId, file, offset: 0, rest: '' });
    this.timer ??= setInterval(() => this.poll(), LOG_POLL_MS);
    this.timer.unref();
  }

  unfollow(containerId: string): void {
    const f = this.files.get(containerId);
    if (f) this.read(f);
    this.files.delete(containerId);
    if (this.files.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Reads what was written since the last poll, for every followed file. */
  poll(): void {
    for (const f of this.files.values()) this.read(f);
  }

  private read(f: Followed): void {
    let fd: number;
    try {
      fd = fs.openSync(f.file, 'r');
    } catch {
      return; // not created yet (StartContainer opens it) or already removed
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < f.offset) f.offset = 0; // truncated or rotated: start again
      if (size === f.offset) return;
      const buf = Buffer.alloc(size - f.offset);
      const n = fs.readSync(fd, buf, 0, buf.length, f.offset);
      f.offset += n;
      const text = f.rest + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      f.rest = cut < 0 ? text : text.slice(cut + 1);
      if (cut < 0) return;
      for (const rec of parseCriLog(text.slice(0, cut))) this.emit(f.containerId, rec.stream, rec.content);
    } finally {
      fs.closeSync(fd);
    }
  }

  private emit(containerId: string, stream: LogStream, line: string): void {
    this.trace?.emit({ kind: 'container.output', containerId, stream, line });
  }

  /** Reads the last records and stops following everything. */
  close(): void {
    this.poll();
    this.files.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

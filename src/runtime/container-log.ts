import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rfc3339Nano, type Clock } from '../clock/clock.js';

/**
 * containerd's CRI log format (internal/cri/io/logger.go; tags from cri-api's constants.go):
 * one record per line, `<RFC3339Nano> <stdout|stderr> <F|P> <content>\n`.
 */
export type LogStream = 'stdout' | 'stderr';
export type LogTag = 'F' | 'P';

/** cri-api LogTagFull: a whole line, or the last piece of a split line. */
export const LOG_TAG_FULL: LogTag = 'F';
/** cri-api LogTagPartial: a piece of a longer line, or a last line that had no newline at EOF. */
export const LOG_TAG_PARTIAL: LogTag = 'P';
/** containerd's `max_container_log_line_size` default: 16 KiB; longer lines are split. */
export const DEFAULT_MAX_CONTAINER_LOG_LINE_SIZE = 16 * 1024;

export interface CriLogRecord {
  time: string;
  stream: LogStream;
  tag: LogTag;
  content: string;
}

export interface CriLogWriterOptions {
  path: string;
  clock: Clock;
  /** Bytes per record before a line is split (containerd: 16384; ≤ 0 disables splitting). */
  maxLineSize?: number;
  /** Called for each record written (for trace events). */
  onLine?(stream: LogStream, record: CriLogRecord): void;
}

/**
 * Go's time.RFC3339Nano drops trailing zeros of the fraction (and the dot when it is all
 * zeros): containerd writes `…T02:15:08.7978907Z`, and `…T00:00:01Z` on a whole second.
 */
export function goRfc3339Nano(nanos: bigint): string {
  return rfc3339Nano(nanos).replace(/\.?0+Z$/, 'Z');
}

/**
 * Writes a container's stdout and stderr to its log file the way containerd's CRI logger
 * does: each stream is cut into lines separately; the timestamp is taken when a record is
 * written (a line is written when its newline arrives); a line longer than maxLineSize bytes
 * is written as `P` pieces of maxLineSize bytes followed by an `F` piece (a piece is written as
 * soon as more than maxLineSize bytes wait); a trailing `\r\n` or `\n` is not part of the
 * content; at close, bytes without a final newline are written as one `P` record.
 * Records reach the file in write order; close() flushes everything first.
 */
export class CriLogWriter {
  private fd: number;
  private readonly maxLineSize: number;
  private readonly pending: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  private queue: Buffer[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly opts: CriLogWriterOptions) {
    mkdirSync(dirname(opts.path), { recursive: true });
    // Append: a restarted container gets a new file from the kubelet (<restartCount>.log), but
    // reopening the same path must not truncate what was written.
    this.fd = openSync(opts.path, 'a', 0o640);
    this.maxLineSize = opts.maxLineSize ?? DEFAULT_MAX_CONTAINER_LOG_LINE_SIZE;
  }

  write(stream: LogStream, data: string | Buffer): void {
    if (this.closed) return;
    let buf = Buffer.concat([this.pending[stream], typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) break;
      let end = nl;
      if (end > 0 && buf[end - 1] === 0x0d) end--;
      this.record(stream, LOG_TAG_FULL, buf.subarray(0, end));
      buf = buf.subarray(nl + 1);
    }
    // containerd writes a piece as soon as more than maxLineSize bytes of one line are buffered.
    while (this.maxLineSize > 0 && buf.length > this.maxLineSize) {
      this.emit(stream, LOG_TAG_PARTIAL, buf.subarray(0, this.maxLineSize));
      buf = buf.subarray(this.maxLineSize);
    }
    this.pending[stream] = Buffer.from(buf);
  }

  /**
   * ReopenContainerLog: write what is queued, close the file and open the same path again
   * (after the kubelet renamed the old file, this creates a new one). Half-written lines stay
   * buffered and continue in the new file.
   */
  reopen(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    mkdirSync(dirname(this.opts.path), { recursive: true });
    this.fd = openSync(this.opts.path, 'a', 0o640);
  }

  /** Write everything buffered (including partial last lines, as `P`) and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream];
      if (rest.length > 0) this.emit(stream, LOG_TAG_PARTIAL, rest);
      this.pending[stream] = Buffer.alloc(0);
    }
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }

  /** A complete line: split into P pieces plus a final F when it is too long. */
  private record(stream: LogStream, tag: LogTag, content: Buffer): void {
    let rest = content;
    while (this.maxLineSize > 0 && rest.length > this.maxLineSize) {
      this.emit(stream, LOG_TAG_PARTIAL, rest.subarray(0, this.maxLineSize));
      rest = rest.subarray(this.maxLineSize);
    }
    this.emit(stream, tag, rest);
  }

  private emit(stream: LogStream, tag: LogTag, content: Buffer): void {
    const time = goRfc3339Nano(this.opts.clock.nowNanos());
    this.queue.push(Buffer.from(`${time} ${stream} ${tag} `, 'utf8'), Buffer.from(content), Buffer.from('\n'));
    this.opts.onLine?.(stream, { time, stream, tag, content: content.toString('utf8') });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** One write per batch of records, in order. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const data = Buffer.concat(this.queue);
    this.queue = [];
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
  }
}

const RECORD = /^(\S+) (stdout|stderr) (F|P) (.*)$/s;

/** Parse a CRI log file's text into records (lines that do not match are skipped). */
export function parseCriLog(text: string): CriLogRecord[] {
  const out: CriLogRecord[] = [];
  for (const line of text.split('\n')) {
    const m = RECORD.exec(line);
    if (m) out.push({ time: m[1]!, stream: m[2] as LogStream, tag: m[3] as LogTag, content: m[4]! });
  }
  return out;
}

/** Join `P` pieces with the record that completes them (per stream), as `kubectl logs` shows them. */
export function joinCriLogLines(records: CriLogRecord[]): { stream: LogStream; time: string; content: string; complete: boolean }[] {
  const out: { stream: LogStream; time: string; content: string; complete: boolean }[] = [];
  const open: Partial<Record<LogStream, { stream: LogStream; time: string; content: string; complete: boolean }>> = {};
  for (const r of records) {
    const cur = open[r.stream] ?? { stream: r.stream, time: r.time, content: '', complete: false };
    if (!open[r.stream]) out.push(cur);
    cur.content += r.content;
    if (r.tag === LOG_TAG_FULL) {
      cur.complete = true;
      delete open[r.stream];
    } else open[r.stream] = cur;
  }
  return out;
}

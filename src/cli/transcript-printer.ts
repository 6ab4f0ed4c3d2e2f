import type { TraceEvent } from '../trace/events.js';
import { shortId } from '../ui/text.js';
import { sizes, summariseRequest, summariseResponse, type NameLookup } from '../ui/model/wire-labels.js';

/** Calls the kubelet makes on its timers, not for one pod: folded into one line per run of them. */
const BACKGROUND = new Set(['ListPodSandbox', 'ListContainers', 'Status']);

export interface PrinterOptions {
  /** Print every relist and status poll instead of folding them. */
  verbose: boolean;
  /** Colour (off when NO_COLOR is set or the output is not a terminal). */
  color: boolean;
  /** The clock time the run started at, so times print as offsets. */
  startMs: number;
  write(line: string): void;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

function clockOffset(ms: number): string {
  const total = Math.max(0, ms);
  const m = Math.floor(total / 60000);
  const s = ((total % 60000) / 1000).toFixed(3).padStart(6, '0');
  return `${String(m).padStart(2, '0')}:${s}`;
}

/**
 * The headless transcript of `crilab run`: each step as a heading, then in order every CRI call
 * with its key fields and result, every machine transition, Kubernetes events, narration and
 * expectation results. Timer-driven relists are folded so that the pod's story stays readable.
 */
export class TranscriptPrinter implements NameLookup {
  private readonly sandboxes = new Map<string, string>();
  private readonly containers = new Map<string, string>();
  private readonly pending = new Map<string, TraceEvent & { kind: 'cri.request' }>();
  private folded: { methods: Set<string>; count: number; from: number; to: number } | undefined;

  constructor(private readonly opts: PrinterOptions) {}

  sandboxName(id: string): string | undefined {
    return this.sandboxes.get(id);
  }

  containerName(id: string): string | undefined {
    return this.containers.get(id);
  }

  private line(t: number, text: string): void {
    this.flushFolded();
    this.opts.write(`  ${paint(this.opts.color, '2', clockOffset(t - this.opts.startMs))}  ${text}`);
  }

  private flushFolded(): void {
    const f = this.folded;
    if (!f) return;
    this.folded = undefined;
    const span = f.from === f.to ? clockOffset(f.from - this.opts.startMs) : `${clockOffset(f.from - this.opts.startMs)}–${clockOffset(f.to - this.opts.startMs)}`;
    this.opts.write(`  ${paint(this.opts.color, '2', span)}  ${paint(this.opts.color, '2', `· background: ${[...f.methods].join(', ')} ×${f.count} (PLEG relist, runtime status)`)}`);
  }

  print(e: TraceEvent): void {
    const c = this.opts.color;
    switch (e.kind) {
      case 'step':
        if (e.phase === 'start') {
          this.flushFolded();
          this.opts.write(paint(c, '1', `[step ${e.index}/${e.total}] ${e.step}${e.step === 'narrate' ? '' : `: ${e.summary}`}`));
        }
        return;
      case 'narration':
        this.flushFolded();
        this.opts.write(paint(c, '36', `  │ ${e.text}`));
        return;
      case 'cri.request': {
        const r = e.request as Record<string, any>;
        if (e.method === 'RunPodSandbox') this.pendingName(e.callId, r['config']?.metadata?.name);
        if (e.method === 'CreateContainer') this.pendingName(e.callId, r['config']?.metadata?.name);
        if (BACKGROUND.has(e.method) && !this.opts.verbose && !r['filter']) {
          this.pending.set(e.callId, e);
          return;
        }
        this.pending.set(e.callId, e);
        this.line(e.t, `kubelet ─▶ ${paint(c, '1', e.method)}  ${summariseRequest(e.method, e.request, this)}`);
        return;
      }
      case 'cri.response': {
        const req = this.pending.get(e.callId);
        this.pending.delete(e.callId);
        const res = e.response as Record<string, any> | undefined;
        if (e.method === 'RunPodSandbox' && res?.['podSandboxId']) this.sandboxes.set(res['podSandboxId'], this.names.get(e.callId) ?? '');
        if (e.method === 'CreateContainer' && res?.['containerId']) this.containers.set(res['containerId'], this.names.get(e.callId) ?? '');
        const background = BACKGROUND.has(e.method) && !this.opts.verbose && !(req?.request as Record<string, unknown> | undefined)?.['filter'];
        if (background && !e.status) {
          const f = (this.folded ??= { methods: new Set(), count: 0, from: e.t, to: e.t });
          f.methods.add(e.method);
          if (e.method === 'ListPodSandbox' || (e.method === 'Status' && !f.methods.has('ListPodSandbox'))) f.count++;
          f.to = e.t;
          return;
        }
        const result = e.status
          ? paint(c, '31', `${e.status.codeName}: ${e.status.message}`)
          : `${paint(c, '32', 'OK')}  ${summariseResponse(e.method, e.response)}`;
        this.line(e.t, `kubelet ◀─ ${e.method}  ${result}  ${paint(c, '2', `(${e.durationMs} ms, ${sizes(e.protoBytes, e.jsonBytes)})`)}`);
        return;
      }
      case 'machine.transition':
        this.line(e.t, `${paint(c, '35', e.machine.padEnd(10))} ${e.label ?? shortId(e.id)}  ${e.from ?? '∅'} → ${paint(c, '1', e.to)}  ${paint(c, '2', `(${e.event})`)}`);
        return;
      case 'kube.event':
        this.line(e.t, `${paint(c, e.type === 'Warning' ? '33' : '34', `event ${e.reason}`)}  ${e.pod}: ${e.message}`);
        return;
      case 'kubelet.decision':
        this.line(e.t, paint(c, '2', `kubelet decides for ${e.pod}: ${e.summary}`));
        return;
      case 'fault':
        this.line(e.t, paint(c, '31', `FAULT ${e.fault}${e.target ? ` ${e.target}` : ''}`));
        return;
      case 'expectation':
        this.flushFolded();
        this.opts.write(`  ${e.passed ? paint(c, '32', '✓ passed') : paint(c, '31', '✗ FAILED')}  ${e.description}${e.passed ? '' : `\n      observed: ${JSON.stringify(e.observed)}`}`);
        return;
      case 'node.status': {
        const s = e.status as { ready?: boolean; message?: string };
        this.line(e.t, `node ${s.ready ? 'Ready' : 'NotReady'}${s.message ? `: ${s.message}` : ''}`);
        return;
      }
      case 'container.output':
        this.line(e.t, paint(c, '2', `${this.containers.get(e.containerId) ?? shortId(e.containerId)} ${e.stream}: ${e.line}`));
        return;
      case 'log':
        // The dockershim's translation steps (`hop kubelet → dockershim: …`) are part of the story.
        if (e.level === 'info' && e.message.startsWith('hop ')) this.line(e.t, paint(c, '33', `  ↳ ${e.message.slice(4)}`));
        else if (e.level !== 'info') this.line(e.t, paint(c, '31', e.message));
        return;
      default:
        return;
    }
  }

  private readonly names = new Map<string, string>();

  private pendingName(callId: string, name: string | undefined): void {
    if (name) this.names.set(callId, name);
  }

  finish(): void {
    this.flushFolded();
  }
}

/** Where a transcript goes: the terminal, or a cast being built. `t` is the trace time of the line. */
export interface TranscriptSink {
  color: boolean;
  write(line: string, t: number): void;
}

/** The result line's counts: a live run's summary, or a recording's header. */
export interface TranscriptResult {
  passed: number;
  failed: number;
  aborted?: string;
}

/**
 * The whole headless transcript, the same for `run`, `record` and `replay`: a title line, the
 * backend, every event through a TranscriptPrinter, and the result line. It writes to several
 * sinks at once (the terminal and a cast), each with its own colour setting.
 */
export class RunTranscript {
  private printers: TranscriptPrinter[] | undefined;
  private lastT = 0;

  constructor(
    private readonly sinks: readonly TranscriptSink[],
    private readonly verbose: boolean,
  ) {}

  private all(line: string): void {
    for (const s of this.sinks) s.write(line, this.lastT);
  }

  title(title: string, file: string): void {
    this.all(`${title} — ${file}`);
  }

  note(text: string): void {
    this.all(text);
  }

  event(e: TraceEvent): void {
    this.lastT = e.t;
    // Times print as offsets from the first event, as `crilab run` always has.
    this.printers ??= this.sinks.map(
      (s) => new TranscriptPrinter({ verbose: this.verbose, color: s.color, startMs: e.t, write: (line) => s.write(line, this.lastT) }),
    );
    for (const p of this.printers) p.print(e);
  }

  finish(result: TranscriptResult): void {
    for (const p of this.printers ?? []) p.finish();
    this.all('');
    this.all(`${result.passed} passed, ${result.failed} failed${result.aborted ? ` — stopped at ${result.aborted}` : ''}`);
  }
}

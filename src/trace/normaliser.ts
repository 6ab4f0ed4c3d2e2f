/**
 * The normaliser: a trace with everything that depends on the seed, the machine or the wall
 * clock replaced by stable words, so two runs that behaved the same compare equal. It is what
 * golden tests compare (`crilab test`), and what the containerd differential suite compares a
 * simulated run with.
 *
 *  - IDs become names in order of first appearance, one counter per kind: 64-hex sandbox and
 *    container IDs → `sandbox-1`, `container-1` (their 12- and 13-character short forms, as
 *    the kubelet and crictl print them, become the same names); image IDs (`sha256:…` of a
 *    config) → `sha256:image-1`; repo digests (`@sha256:…`) → `@sha256:digest-1`; call IDs →
 *    `call-1`; netns names (`cni-<uuid>`) → `netns-1`; veth names → `veth-1`; MACs → `mac-1`;
 *    UUIDs and 32-hex static pod UIDs → `uid-1`; other 64-hex strings → `hex-1`; a run's
 *    private temporary directory (`/tmp/crilab-XXXXXX`) → `<tmp>`.
 *  - Times become offsets from the run's start: `t` in ms, timestamps in payloads (RFC 3339
 *    strings, int64 nanosecond strings in `…At` fields) as `+<ms>ms`.
 *  - Durations measured on the real clock (a `cri.response`'s `durationMs`, the "in 1.2s" of a
 *    Pulled event) are dropped when the trace ran on the real clock; on the simulated clock they
 *    are facts of the scenario and stay.
 *  - `seq` is renumbered 1…n, so a filtered trace still reads as a sequence.
 */
import type { TraceEvent } from './events.js';

/**
 * A trace event after normalisation: the same shape (so everything that reads traces reads
 * it), with `t` in milliseconds since the run's start, `seq` renumbered from 1, and IDs as
 * stable names.
 */
export type NormalisedEvent = TraceEvent;

export interface NormaliseOptions {
  /**
   * The clock the trace ran on. `real` (containerd, live mode) drops measured durations; `sim`
   * (default) keeps them, since simulated durations are part of the behaviour.
   */
  clock?: 'sim' | 'real';
  /** Origin for relative times; defaults to the first event's `t`. */
  startMs?: number;
  /** `relative` (default): `t` as an offset from the start; `drop`: every `t` becomes 0. */
  times?: 'relative' | 'drop';
}

const HEX64 = /^[0-9a-f]{64}$/;
const SHORT_HEX = /^[0-9a-f]{12,63}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

// Token edges: not inside a longer run of letters or digits. (`\b` would not do: an ID after
// an underscore, as in a log directory `default_web_<uid>`, has no word boundary before it.)
// A pod's cgroup, `pod<uid>`, is the one place an ID follows letters.
const B = '(?:(?<![0-9A-Za-z])|(?<=pod))';
const E = '(?![0-9A-Za-z])';
/**
 * One pass over a string replaces every ID-like token. Order matters: the longer and more
 * specific forms (`cni-<uuid>`, `sha256:<hex>`) come before the bare forms they contain.
 */
const TOKEN = new RegExp(
  [
    `(?<tmp>/tmp/crilab-[A-Za-z0-9]{6})`,
    `(?<netns>${B}cni-${UUID}${E})`,
    `(?<digest>@sha256:[0-9a-f]{64}${E})`,
    `(?<image>${B}sha256:[0-9a-f]{64}${E})`,
    `(?<uuid>${B}${UUID}${E})`,
    `(?<veth>${B}veth[0-9a-f]{8}${E})`,
    `(?<mac>${B}[0-9a-f]{2}(?::[0-9a-f]{2}){5}${E})`,
    `(?<hex>${B}[0-9a-f]{12,64}${E})`,
  ].join('|'),
  'g',
);

/** An RFC 3339 time (what `lastTransitionTime`, `startedAt` and friends hold in the API). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
/** int64 nanoseconds since the epoch, as CRI's `created_at`/`started_at` travel in JSON. */
const NANOS = /^\d{16,20}$/;
/** Keys whose values are points in time. */
const TIME_KEY = /(?:At|Time|Timestamp|timestamp)$/;
/** The kubelet's Pulled message: "… in 1.234s (1.5s including waiting)". */
const PULL_DURATIONS = / in [0-9.]+[µnum]?s \([0-9.]+[µnum]?s including waiting\)/;

class Names {
  private readonly byKind = new Map<string, Map<string, string>>();

  name(kind: string, value: string): string {
    let names = this.byKind.get(kind);
    if (!names) this.byKind.set(kind, (names = new Map()));
    let n = names.get(value);
    if (n === undefined) names.set(value, (n = `${kind}-${names.size + 1}`));
    return n;
  }

  known(kind: string, value: string): string | undefined {
    return this.byKind.get(kind)?.get(value);
  }
}

/**
 * Stateful: names are given in order of first appearance across the whole trace, so create one
 * per trace (normaliseTrace does).
 */
export class TraceNormaliser {
  private readonly names = new Names();
  /** Full 64-hex IDs whose kind (sandbox, container) the trace has told us. */
  private readonly idKinds = new Map<string, 'sandbox' | 'container'>();
  private readonly opts: Required<Pick<NormaliseOptions, 'clock' | 'times'>> & { startMs: number | undefined };

  constructor(opts: NormaliseOptions = {}) {
    this.opts = { clock: opts.clock ?? 'sim', times: opts.times ?? 'relative', startMs: opts.startMs };
  }

  /** Learn which IDs are sandboxes and which containers, from the fields that say so. */
  learn(events: readonly TraceEvent[]): void {
    for (const e of events) {
      if (e.kind === 'machine.transition' && (e.machine === 'sandbox' || e.machine === 'pause' || e.machine === 'container')) {
        this.classify(e.id, e.machine === 'container' ? 'container' : 'sandbox');
      }
      if (e.kind === 'cri.response' && e.response && typeof e.response === 'object') {
        const r = e.response as Record<string, unknown>;
        if (typeof r['podSandboxId'] === 'string') this.classify(r['podSandboxId'], 'sandbox');
        if (typeof r['containerId'] === 'string') this.classify(r['containerId'], 'container');
      }
      if (e.kind === 'cri.request' && e.request && typeof e.request === 'object') {
        const r = e.request as Record<string, unknown>;
        if (typeof r['podSandboxId'] === 'string') this.classify(r['podSandboxId'], 'sandbox');
        if (typeof r['containerId'] === 'string') this.classify(r['containerId'], 'container');
      }
      if (e.kind === 'container.output') this.classify(e.containerId, 'container');
    }
  }

  private classify(id: string, kind: 'sandbox' | 'container'): void {
    if (HEX64.test(id) && !this.idKinds.has(id)) this.idKinds.set(id, kind);
  }

  private hexName(hex: string): string {
    if (hex.length === 64) {
      const kind = this.idKinds.get(hex);
      return this.names.name(kind ?? 'hex', hex);
    }
    // A short form: the prefix of an ID seen in full (the kubelet logs 12 characters, crilab's
    // transcript 13). Other hex runs (a 32-hex static pod UID) are names of their own.
    if (SHORT_HEX.test(hex)) {
      for (const [id, kind] of this.idKinds) if (id.startsWith(hex)) return this.names.name(kind, id);
    }
    // Digits only: a number (a size, a count), not an ID.
    if (/^\d+$/.test(hex)) return hex;
    return hex.length === 32 ? this.names.name('uid', hex) : this.names.name('hex', hex);
  }

  /** Replace every ID-like token in a string. */
  text(s: string): string {
    return s.replace(TOKEN, (match, ...args) => {
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      if (groups['tmp']) return '<tmp>';
      if (groups['netns']) return this.names.name('netns', match);
      if (groups['digest']) return `@sha256:${this.names.name('digest', match.slice(8))}`;
      if (groups['image']) {
        const hex = match.slice(7);
        // A sandbox or container ID written with the prefix stays that ID.
        const kind = this.idKinds.get(hex);
        return kind ? `sha256:${this.names.name(kind, hex)}` : `sha256:${this.names.name('image', hex)}`;
      }
      if (groups['uuid']) return this.names.name('uid', match);
      if (groups['veth']) return this.names.name('veth', match);
      if (groups['mac']) return this.names.name('mac', match);
      return this.hexName(match);
    });
  }

  private time(value: string | number, start: number): string {
    const ms = typeof value === 'number' ? value : RFC3339.test(value) ? Date.parse(value) : Number(BigInt(value) / 1_000_000n);
    return `+${ms - start}ms`;
  }

  /** Normalise any JSON value found in an event (request, response, status…). */
  value(v: unknown, start: number, key = ''): unknown {
    if (typeof v === 'string') {
      if (TIME_KEY.test(key) && (RFC3339.test(v) || (NANOS.test(v) && v !== '0'))) return this.time(v, start);
      return this.text(v);
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, start));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.value(x, start, k);
      return out;
    }
    return v;
  }

  event(e: TraceEvent, seq: number, start: number): NormalisedEvent {
    const { seq: _seq, t, ...body } = e;
    const out = this.value(body, start) as Record<string, unknown>;
    if (this.opts.clock === 'real') {
      if (e.kind === 'cri.response') delete out['durationMs'];
      if (e.kind === 'kube.event' && typeof out['message'] === 'string') out['message'] = out['message'].replace(PULL_DURATIONS, ' in <duration>');
    }
    if ('callId' in e && typeof e.callId === 'string') out['callId'] = this.names.name('call', e.callId);
    return { seq, t: this.opts.times === 'drop' ? 0 : t - start, ...out } as NormalisedEvent;
  }

  trace(events: readonly TraceEvent[]): NormalisedEvent[] {
    this.learn(events);
    const start = this.opts.startMs ?? events[0]?.t ?? 0;
    return events.map((e, i) => this.event(e, i + 1, start));
  }
}

/**
 * The trace with IDs, times and real-clock durations made stable (see the module comment).
 * Pure: the same events and options always give the same result.
 */
export function normaliseTrace(events: readonly TraceEvent[], opts: NormaliseOptions = {}): NormalisedEvent[] {
  return new TraceNormaliser(opts).trace(events);
}

/**
 * Make an already normalised sim trace comparable with one from the real clock: drop `t`,
 * `durationMs` and the Pulled event's measured times, as `normaliseTrace({ clock: 'real',
 * times: 'drop' })` does. For comparing a golden (sim) with a containerd run.
 */
export function withoutClockFacts(events: readonly NormalisedEvent[]): NormalisedEvent[] {
  return events.map((e) => {
    const out: Record<string, unknown> = { ...e, t: 0 };
    if (e.kind === 'cri.response') delete out['durationMs'];
    if (e.kind === 'kube.event') out['message'] = e.message.replace(PULL_DURATIONS, ' in <duration>');
    return out as unknown as NormalisedEvent;
  });
}

/**
 * The static-pod HTTP source (k8s:pkg/kubelet/config/http.go): `staticPodURL` is fetched at start
 * and then every `httpCheckFrequency` (20 s) with a plain GET (10 s client timeout). The body is
 * one Pod or a PodList (YAML or JSON). An unchanged body is ignored; an empty body sets no pods; a
 * body that does not decode, a non-200 answer or a network error is logged and the previous set
 * stays in force.
 *
 * On the simulated clock the request is real network I/O, which the SimClock cannot see; so the
 * poll opens a clock *hold* for as long as the request is in flight. Simulated time stands
 * still meanwhile (exactly like a CRI call on the wire), and the answer is applied at the very
 * simulated instant of the poll: the run stays reproducible as long as the server answers the
 * same way. On the real clock the hold does nothing.
 */

import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../clock/clock.js';
import { HTTPSource, httpCheckFrequencyMs, httpSourceClientTimeoutMs } from '../constants.js';
import { decodePodList, decodeSinglePod } from './decode.js';
import { klogLine, type SourceLog } from './file-source.js';
import { preparePod } from './static-pod.js';

/** `maxConfigLength`: bodies are read up to this many bytes. k8s:pkg/kubelet/config/http.go */
export const maxConfigLength = 10 * (1 << 20);

export interface HttpPodSourceOptions {
  url: string;
  nodeName: string;
  clock: Clock;
  onPods(pods: Pod[]): void;
  log: SourceLog;
  periodMs?: number;
  /** Extra request headers (`staticPodURLHeader`). */
  headers?: Record<string, string>;
  /** The fetch to use (tests may pass their own). Default: the global fetch. */
  fetch?: typeof fetch;
}

export class HttpPodSource {
  private timer: TimerHandle | undefined;
  private stopped = true;
  private lastBody: string | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly opts: HttpPodSourceOptions) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.timer);
  }

  /** The poll in flight, if any (tests and the CLI wait on it). */
  get inFlight(): Promise<void> | undefined {
    return this.polling;
  }

  private tick(): void {
    if (this.stopped) return;
    this.polling = this.pollNow().finally(() => {
      this.polling = undefined;
      if (!this.stopped) this.timer = this.opts.clock.setTimeout(() => this.tick(), this.opts.periodMs ?? httpCheckFrequencyMs, 'http-source poll');
    });
  }

  /** One GET (upstream `extractFromURL`); failures are logged, never thrown. */
  async pollNow(): Promise<void> {
    const { url, clock, log } = this.opts;
    const hold = clock.hold(`http-source GET ${url}`);
    try {
      const doFetch = this.opts.fetch ?? fetch;
      const res = await doFetch(url, { headers: this.opts.headers ?? {}, signal: AbortSignal.timeout(httpSourceClientTimeoutMs) });
      const body = (await res.text()).slice(0, maxConfigLength);
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.statusText}`);
      if (body.length === 0) {
        this.lastBody = body;
        this.opts.onPods([]);
        throw new Error(`zero-length data received from ${url}`);
      }
      if (body === this.lastBody) return;
      this.lastBody = body;
      const prepare = (p: Pod) => preparePod(p, HTTPSource, this.opts.nodeName, { origin: url });
      const single = decodeSinglePod(body, prepare);
      if ('pods' in single) return this.opts.onPods(single.pods);
      if (single.parsed) throw new Error(single.error);
      const list = decodePodList(body, prepare);
      if ('pods' in list) return this.opts.onPods(list.pods);
      if (list.parsed) throw new Error(list.error);
      throw new Error(`${url}: received '${body}', but couldn't parse as single (${single.error}) or multiple pods (${list.error})`);
    } catch (err) {
      log('warn', klogLine('Failed to read pods from URL', { err: err instanceof Error ? err.message : String(err) }));
    } finally {
      hold.release();
    }
  }
}

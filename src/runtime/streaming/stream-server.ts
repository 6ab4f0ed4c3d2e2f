import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../../clock/clock.js';
import type { RuntimeStreaming, StreamSession } from '../runtime-context.js';
import { startProcess, EntrypointError } from '../shell/index.js';
import type { RuntimeStore } from '../store.js';
import { acceptWebSocket, type WebSocketConnection } from './websocket.js';

/**
 * The runtime's streaming server, as containerd runs cri-streaming's: Exec, Attach and
 * PortForward return `http://127.0.0.1:<port>/<kind>/<token>`; the token is 8 URL-safe base64
 * characters, good for one connection within a minute, at most 1000 outstanding
 * (k8s.io/kubelet/pkg/cri/streaming: `TokenLen = 8`, `CacheTTL = 1 * time.Minute`,
 * `MaxInFlight = 1000`). The session runs over a WebSocket with the Kubernetes channel
 * protocol (one byte of channel number per message: 0 stdin, 1 stdout, 2 stderr, 3 the final
 * status, 4 resize; v5 adds 255 to close a channel). SPDY, which older crictl and kubectl
 * use, is not served.
 */

export const STREAM_TOKEN_TTL_MS = 60_000;
export const STREAM_MAX_IN_FLIGHT = 1000;
/** Raw bytes behind a token: 6 bytes are 8 base64 characters. */
const TOKEN_BYTES = 6;

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
/** Subprotocols for exec and attach, preferred first (remotecommand's constants). */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'];
/** Subprotocols for port forwarding over WebSocket (the kubelet's portforward/websocket.go). */
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'];

export interface StreamServerOptions {
  store: RuntimeStore;
  clock: Clock;
  address?: string;
}

interface Pending {
  session: StreamSession;
  expires: number;
}

export class StreamServer implements RuntimeStreaming {
  private server: Server | undefined;
  private starting: Promise<number> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly address: string;
  private readonly open = new Set<Duplex>();

  constructor(private readonly opts: StreamServerOptions) {
    this.address = opts.address ?? '127.0.0.1';
  }

  async url(kind: 'exec' | 'attach' | 'portforward', session: StreamSession): Promise<string> {
    const port = await this.listen();
    const now = Date.now();
    for (const [token, p] of this.pending) if (p.expires <= now) this.pending.delete(token);
    if (this.pending.size >= STREAM_MAX_IN_FLIGHT) {
      throw Object.assign(new Error('maximum number of in-flight requests exceeded'), { name: 'StreamLimit' });
    }
    let token: string;
    do token = randomBytes(TOKEN_BYTES).toString('base64url');
    while (this.pending.has(token));
    // The token's minute is wall time: the client connects in real time, whatever the clock.
    this.pending.set(token, { session, expires: now + STREAM_TOKEN_TTL_MS });
    return `http://${this.address}:${port}/${kind}/${token}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    this.pending.clear();
    for (const s of this.open) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<number> {
    this.starting ??= new Promise<number>((resolve, reject) => {
      const server = createServer((req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('crilab streaming server: connect with a WebSocket (v4/v5.channel.k8s.io)\n');
      });
      server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
      server.once('error', reject);
      server.listen(0, this.address, () => {
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
    return this.starting;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    const match = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    const pending = match ? this.pending.get(match[2]!) : undefined;
    if (!match || !pending || pending.expires <= Date.now() || pending.session.kind !== match[1]) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\ninvalid or expired token\n');
      return;
    }
    this.pending.delete(match[2]!); // one use
    const session = pending.session;
    const ws = acceptWebSocket(req, socket, head, session.kind === 'portforward' ? PORT_FORWARD_PROTOCOLS : EXEC_PROTOCOLS);
    if (!ws) return;
    if (session.kind === 'exec') void this.serveExec(ws, session);
    else if (session.kind === 'attach') this.serveAttach(ws, session);
    else this.servePortForward(ws, session);
  }

  private async serveExec(ws: WebSocketConnection, s: Extract<StreamSession, { kind: 'exec' }>): Promise<void> {
    const c = this.opts.store.containers.get(s.containerId);
    if (!c?.process?.running) {
      sendStatus(ws, failure(`container ${s.containerId} is not running`, 'InternalError'));
      return;
    }
    // The simulated shell reads its whole input at start: with stdin, wait for the client to
    // close it (v5's close message, or the connection ending).
    let stdin = '';
    if (s.stdin && ws.protocol === 'v5.channel.k8s.io') {
      await new Promise<void>((resolve) => {
        ws.onMessage((m) => {
          if (m[0] === CHANNEL.stdin) stdin += m.subarray(1).toString('utf8');
          else if (m[0] === CHANNEL.close && m[1] === CHANNEL.stdin) resolve();
        });
        ws.onClose(resolve);
      });
    }
    if (ws.closed) return;
    const send = (stream: 'stdout' | 'stderr', data: string) => {
      const channel = stream === 'stderr' && !s.tty ? CHANNEL.stderr : CHANNEL.stdout;
      if ((channel === CHANNEL.stdout && s.stdout) || (channel === CHANNEL.stderr && s.stderr)) {
        ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data, 'utf8')]));
      }
    };
    try {
      const proc = this.opts.clock.detached(() =>
        startProcess({ argv: s.cmd, env: c.env, fs: c.fs, clock: this.opts.clock, pid1: false, cwd: c.workingDir, pids: c.process!.pids, stdin, onOutput: send }),
      );
      ws.onClose(() => proc.running && proc.kill('SIGKILL'));
      const exit = await proc.exited;
      sendStatus(ws, exit.exitCode === 0 ? { metadata: {}, status: 'Success' } : nonZeroExit(s.cmd, exit.exitCode));
    } catch (err) {
      const message = err instanceof EntrypointError ? err.execMessage : err instanceof Error ? err.message : String(err);
      sendStatus(ws, failure(message, 'InternalError'));
    }
  }

  private serveAttach(ws: WebSocketConnection, s: Extract<StreamSession, { kind: 'attach' }>): void {
    const c = this.opts.store.containers.get(s.containerId);
    if (!c?.process?.running) {
      sendStatus(ws, failure(`container ${s.containerId} is not running`, 'InternalError'));
      return;
    }
    const listener = (stream: 'stdout' | 'stderr', data: string) => {
      const channel = stream === 'stderr' && !s.tty ? CHANNEL.stderr : CHANNEL.stdout;
      if ((channel === CHANNEL.stdout && s.stdout) || (channel === CHANNEL.stderr && s.stderr)) {
        ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data, 'utf8')]));
      }
    };
    c.outputListeners.add(listener);
    ws.onClose(() => c.outputListeners.delete(listener));
    // Attach ends when the container's process does.
    void c.process.exited.then(() => {
      c.outputListeners.delete(listener);
      sendStatus(ws, { metadata: {}, status: 'Success' });
    });
  }

  /**
   * Port forwarding: per requested port, a data channel (2i) and an error channel (2i+1), each
   * opened with the port number (2 bytes, little-endian). Connections go to the pod's network
   * namespace; in the simulation only a foreground nginx (port 80) listens there.
   */
  private servePortForward(ws: WebSocketConnection, s: Extract<StreamSession, { kind: 'portforward' }>): void {
    const ports = s.ports.length > 0 ? s.ports : [];
    ports.forEach((port, i) => {
      const p = Buffer.alloc(2);
      p.writeUInt16LE(port);
      ws.send(Buffer.concat([Buffer.from([2 * i]), p]));
      ws.send(Buffer.concat([Buffer.from([2 * i + 1]), p]));
    });
    ws.onMessage((m) => {
      const channel = m[0]!;
      const index = channel >> 1;
      const port = ports[index];
      if (port === undefined || channel % 2 !== 0) return;
      const data = m.subarray(1);
      if (data.length === 0) return;
      const sandbox = this.opts.store.sandboxes.get(s.podSandboxId);
      if (sandbox && port === 80 && this.nginxRunsIn(s.podSandboxId)) {
        ws.send(Buffer.concat([Buffer.from([2 * index]), Buffer.from(nginxWelcome(this.opts.clock.now()))]));
        return;
      }
      const message =
        `failed to execute portforward in network namespace "${sandbox?.netnsPath ?? ''}": failed to connect to localhost:${port} inside namespace "${s.podSandboxId}", ` +
        `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
      ws.send(Buffer.concat([Buffer.from([2 * index + 1]), Buffer.from(message)]));
    });
  }

  private nginxRunsIn(sandboxId: string): boolean {
    for (const c of this.opts.store.containersOf(sandboxId)) {
      if (c.process?.running && c.argv.some((a) => /(^|\/)nginx$/.test(a))) return true;
    }
    return false;
  }
}

interface MetaStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason: string; message: string }> };
}

function failure(message: string, reason: string): MetaStatus {
  return { metadata: {}, status: 'Failure', message, reason };
}

/** What the kubelet's remotecommand sends for a non-zero exit (kubectl exec turns it into its exit code). */
function nonZeroExit(cmd: string[], code: number): MetaStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${cmd.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function sendStatus(ws: WebSocketConnection, status: MetaStatus): void {
  ws.send(Buffer.concat([Buffer.from([CHANNEL.error]), Buffer.from(JSON.stringify(status))]));
  ws.close();
}

function nginxWelcome(nowMs: number): string {
  const body =
    '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n' +
    '<p>If you see this page, the nginx web server is successfully installed and working.</p>\n</body>\n</html>\n';
  return (
    `HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\nDate: ${new Date(nowMs).toUTCString()}\r\nContent-Type: text/html\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

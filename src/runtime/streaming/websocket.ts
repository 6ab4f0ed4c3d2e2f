import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Just enough of RFC 6455 for the streaming server: the server side of the opening handshake,
 * and framing for binary messages (client frames are masked; fragments are joined; ping gets
 * a pong; close is answered). The Kubernetes streaming protocols (`v4.channel.k8s.io`,
 * `v5.channel.k8s.io`, `portforward.k8s.io`) ride on binary messages whose first byte is the
 * channel number. Node 20 has no WebSocket server of its own, hence this small one.
 */

/** RFC 6455 §1.3: the GUID appended to the client's key for Sec-WebSocket-Accept. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface WebSocketConnection {
  /** The subprotocol both sides agreed on. */
  readonly protocol: string;
  send(data: Buffer): void;
  /** Send a close frame (1000 = normal) and end the socket. */
  close(code?: number): void;
  onMessage(fn: (data: Buffer) => void): void;
  onClose(fn: () => void): void;
  readonly closed: boolean;
}

/**
 * Answer an HTTP upgrade with a WebSocket, choosing the first of `protocols` the client offers.
 * Returns undefined (after answering 400) when the request is not a usable upgrade.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocols: string[]): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = protocols.find((p) => offered.includes(p)) ?? (offered.length === 0 ? protocols[protocols.length - 1] : undefined);
  if (typeof key !== 'string' || String(req.headers.upgrade).toLowerCase() !== 'websocket' || protocol === undefined) {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nwebsocket upgrade with a supported subprotocol required\n');
    return undefined;
  }
  const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n` +
      (offered.length > 0 ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
      '\r\n',
  );
  return new Connection(socket, protocol, head);
}

class Connection implements WebSocketConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private readonly messageHandlers: Array<(data: Buffer) => void> = [];
  private readonly closeHandlers: Array<() => void> = [];
  closed = false;

  constructor(
    private readonly socket: Duplex,
    readonly protocol: string,
    head: Buffer,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (head.length > 0) this.receive(head);
  }

  send(data: Buffer): void {
    if (this.closed) return;
    this.socket.write(frame(OP_BINARY, data));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.socket.end(frame(OP_CLOSE, payload));
    this.finish();
  }

  onMessage(fn: (data: Buffer) => void): void {
    this.messageHandlers.push(fn);
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeHandlers.push(fn);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeHandlers.splice(0)) fn();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseFrame(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.length);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
      if (this.closed) return;
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.socket.write(frame(OP_PONG, payload));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
        return;
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION: {
        this.fragments.push(payload);
        if (!fin) return;
        const message = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
        this.fragments = [];
        for (const fn of this.messageHandlers) fn(message);
        return;
      }
      default:
        this.close(1002); // protocol error
    }
  }
}

/** An unmasked server frame. */
export function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const header = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (len < 126) header[1] = len;
  else if (len < 65536) {
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** A client frame (masked when `mask` is given), for tests and for crilab's own streaming client. */
export function maskedFrame(opcode: number, payload: Buffer, mask = Buffer.from([1, 2, 3, 4])): Buffer {
  const plain = frame(opcode, payload);
  const headerLen = plain.length - payload.length;
  const out = Buffer.alloc(plain.length + 4);
  plain.copy(out, 0, 0, headerLen);
  out[1] = out[1]! | 0x80;
  mask.copy(out, headerLen);
  for (let i = 0; i < payload.length; i++) out[headerLen + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

export function parseFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0]! & 0x80) !== 0;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    off = 10;
  }
  const maskLen = masked ? 4 : 0;
  if (buf.length < off + maskLen + len) return undefined;
  let payload = Buffer.from(buf.subarray(off + maskLen, off + maskLen + len));
  if (masked) {
    const mask = buf.subarray(off, off + 4);
    for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  }
  return { fin, opcode, payload, length: off + maskLen + len };
}

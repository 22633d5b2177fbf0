import { connect } from 'node:net';

/** One reply of the Redis protocol (RESP2), as far as a startup probe needs it. */
export type RespReply = { kind: 'status'; text: string } | { kind: 'error'; text: string } | { kind: 'bulk'; text: string | null } | { kind: 'integer'; value: number };

/** What one probe found: the port refused, accepted but nothing was answered in time, or the replies. */
export type ProbeResult = { outcome: 'refused'; error: string } | { outcome: 'silent' } | { outcome: 'replied'; replies: RespReply[] };

function encode(command: readonly string[]): Buffer {
  const parts = [`*${command.length}\r\n`];
  for (const arg of command) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Parses one reply at `offset`; undefined while it is incomplete. Arrays are not expected here. */
function parseReply(buffer: Buffer, offset: number): { reply: RespReply; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  switch (type) {
    case '+':
      return { reply: { kind: 'status', text: line }, next: lineEnd + 2 };
    case '-':
      return { reply: { kind: 'error', text: line }, next: lineEnd + 2 };
    case ':':
      return { reply: { kind: 'integer', value: Number(line) }, next: lineEnd + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: { kind: 'bulk', text: null }, next: lineEnd + 2 };
      const end = lineEnd + 2 + length;
      if (buffer.length < end + 2) return undefined;
      return { reply: { kind: 'bulk', text: buffer.toString('utf8', lineEnd + 2, end) }, next: end + 2 };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

/** Where a server listens: a TCP port on 127.0.0.1, or a unix socket's path. */
export type ServerEndpoint = number | string;

export const describeEndpoint = (endpoint: ServerEndpoint): string => (typeof endpoint === 'string' ? endpoint : `127.0.0.1:${endpoint}`);

/**
 * Opens one connection to the endpoint, sends `commands` pipelined and reads one reply per
 * command, then closes. Never rejects: a server that is starting, loading or hung is a normal
 * answer here. A reply that is not RESP counts as silence (it is not a server we can use).
 */
export function probe(endpoint: ServerEndpoint, commands: readonly (readonly string[])[], timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = typeof endpoint === 'string' ? connect({ path: endpoint }) : connect({ host: '127.0.0.1', port: endpoint });
    let received = Buffer.alloc(0);
    let settled = false;
    let connected = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    // Timers run before I/O callbacks in an event loop turn: setImmediate lets a connection error
    // that arrived meanwhile be seen first. Still connecting then: no connection (a full backlog).
    const timer = setTimeout(
      () => setImmediate(() => finish(connected ? { outcome: 'silent' } : { outcome: 'refused', error: `no connection within ${timeoutMs} ms` })),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
      socket.write(Buffer.concat(commands.map(encode)));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(connected ? { outcome: 'silent' } : { outcome: 'refused', error: error.code ?? error.message }));
    socket.on('close', () => finish({ outcome: 'silent' }));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const replies: RespReply[] = [];
      let offset = 0;
      try {
        while (replies.length < commands.length) {
          const parsed = parseReply(received, offset);
          if (!parsed) return;
          replies.push(parsed.reply);
          offset = parsed.next;
        }
      } catch {
        finish({ outcome: 'silent' });
        return;
      }
      finish({ outcome: 'replied', replies });
    });
  });
}

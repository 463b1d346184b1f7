/**
 * A fake PostgreSQL server on loopback that speaks just enough of the protocol to be hostile:
 * it reads the startup message, then behaves as told. It records every connection, what the
 * client sent and when the client closed, so tests can see that pgmon cut a connection.
 */
import net from 'node:net';

export type FakeBehaviour =
  /** A 1 MiB ErrorResponse, then a DataRow header announcing 1.4 GB, then junk until closed. */
  | 'huge-message'
  /** Logs in, then answers every query with small DataRows forever. */
  | 'endless-rows'
  /** One byte every 100 ms, never a whole message. */
  | 'trickle';

export interface FakeConnection {
  openedAt: number;
  closedAt: number | null;
  bytesSent: number;
}

export interface FakePostgres {
  port: number;
  connections: FakeConnection[];
  /** Connections still open. */
  open(): number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x41);

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const AUTH_OK = message('R', Buffer.from([0, 0, 0, 0]));
const READY = message('Z', Buffer.from('I'));
/** One text column named "x". */
const ROW_DESCRIPTION = message(
  'T',
  Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.from('x\0'),
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0]),
  ]),
);
const DATA_ROW = message(
  'D',
  Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 200]), Buffer.alloc(200, 0x42)]),
);

function hugeError(): Buffer {
  const text = Buffer.alloc(1024 * 1024, 0x45);
  return message('E', Buffer.concat([Buffer.from('M'), text, Buffer.from([0, 0])]));
}

/** Writes `next()` whenever the socket can take more, until it closes. */
function flood(socket: net.Socket, record: FakeConnection, next: () => Buffer): void {
  const pump = (): void => {
    while (!socket.destroyed) {
      const chunk = next();
      record.bytesSent += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function behave(socket: net.Socket, record: FakeConnection, behaviour: FakeBehaviour): void {
  if (behaviour === 'huge-message') {
    const header = Buffer.alloc(5);
    header.write('D', 0, 'latin1');
    header.writeUInt32BE(1_400_000_000, 1);
    socket.write(Buffer.concat([hugeError(), header]));
    flood(socket, record, () => CHUNK);
  } else if (behaviour === 'endless-rows') {
    socket.write(Buffer.concat([AUTH_OK, READY]));
    const rows = Buffer.concat(Array.from({ length: 256 }, () => DATA_ROW));
    socket.once('data', () => {
      socket.write(ROW_DESCRIPTION);
      flood(socket, record, () => rows);
    });
  } else {
    // A NoticeResponse of 100 000 bytes, one byte every 100 ms: never a whole message.
    const notice = message('N', Buffer.alloc(100_000 - 4, 0x4e));
    let sent = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || sent >= notice.length) return clearInterval(timer);
      record.bytesSent += 1;
      socket.write(notice.subarray(sent, ++sent));
    }, 100);
    socket.once('close', () => clearInterval(timer));
  }
}

export async function startFakePostgres(behaviour: FakeBehaviour): Promise<FakePostgres> {
  const connections: FakeConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const record: FakeConnection = { openedAt: Date.now(), closedAt: null, bytesSent: 0 };
    connections.push(record);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      record.closedAt = Date.now();
      sockets.delete(socket);
    });
    // The startup message (or SSLRequest) arrives first; answer "no TLS" to an SSLRequest.
    socket.once('data', (startup) => {
      if (startup.length === 8 && startup.readUInt32BE(4) === 80877103) {
        socket.write('N');
        socket.once('data', () => behave(socket, record, behaviour));
      } else {
        behave(socket, record, behaviour);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fake PostgreSQL server on loopback that speaks just enough of the protocol to ask for a
 * password, and records what it receives: the startup parameters and every password message.
 * It answers an SSLRequest with 'N' (no TLS), then asks for the password in clear text
 * (AuthenticationCleartextPassword, code 3) or with md5 (code 5), and refuses every login.
 */
import type net from 'node:net';
import { startTcpServer, type TcpServer } from '../support/tcp-server.js';

export type FakeAuth = 'cleartext' | 'md5';

export interface FakePostgres extends TcpServer {
  /** `user` of each startup message. */
  readonly users: string[];
  /** The payload of every password message ('p'), as text. */
  readonly passwords: string[];
}

const SSL_REQUEST = 80877103;
const PROTOCOL_3 = 196608;
/** Nobody sends more than this before the password; more is not a client we test. */
const MAX_BUFFER = 64 * 1024;

export async function startFakePostgres(auth: FakeAuth = 'cleartext'): Promise<FakePostgres> {
  const users: string[] = [];
  const passwords: string[] = [];
  const tcp = await startTcpServer((socket) => converse(socket, auth, { users, passwords }));
  return Object.assign(tcp, { users, passwords });
}

/** Reads the startup packets, then typed messages, answering as a password-asking server. */
function converse(
  socket: net.Socket,
  auth: FakeAuth,
  record: { users: string[]; passwords: string[] },
): void {
  let buffer = Buffer.alloc(0);
  let started = false;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (buffer.length > MAX_BUFFER) return void socket.destroy();
    for (;;) {
      const headerLength = started ? 5 : 4;
      if (buffer.length < headerLength) return;
      const length = started ? buffer.readInt32BE(1) + 1 : buffer.readInt32BE(0);
      if (buffer.length < length) return;
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      if (!started) started = onStartup(socket, message, auth, record.users);
      else onMessage(socket, message, record.passwords);
    }
  });
}

/** True once the real startup message (not an SSLRequest) was answered. */
function onStartup(socket: net.Socket, message: Buffer, auth: FakeAuth, users: string[]): boolean {
  const code = message.readInt32BE(4);
  if (code === SSL_REQUEST) {
    socket.write('N');
    return false;
  }
  if (code !== PROTOCOL_3) {
    socket.destroy();
    return false;
  }
  const fields = message.subarray(8).toString('utf8').split('\0');
  const userAt = fields.indexOf('user');
  users.push(userAt >= 0 ? (fields[userAt + 1] ?? '') : '');
  socket.write(authRequest(auth));
  return true;
}

function onMessage(socket: net.Socket, message: Buffer, passwords: string[]): void {
  const type = String.fromCharCode(message[0] ?? 0);
  if (type === 'p') {
    passwords.push(message.subarray(5, message.length - 1).toString('utf8'));
    socket.end(errorResponse('28P01', 'password authentication failed'));
  } else {
    socket.destroy();
  }
}

function authRequest(auth: FakeAuth): Buffer {
  if (auth === 'cleartext') return message('R', int32(3));
  return message('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])]));
}

function errorResponse(sqlstate: string, text: string): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C${sqlstate}`, `M${text}`].map((field) => `${field}\0`);
  return message('E', Buffer.from(`${fields.join('')}\0`));
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

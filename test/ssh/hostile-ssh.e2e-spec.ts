/**
 * Hostile SSH servers cannot hurt the monitor: one that floods, trickles or never finishes (the
 * banner, the key exchange, the login, SFTP answers, exec output) is cut at the deadline with
 * bounded memory, and its socket is destroyed. Raw TCP servers play broken banners and key
 * exchanges; ssh2's own Server plays a well-formed server that misbehaves after the login.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { TestingModule } from '@nestjs/testing';
import type { ServerChannel } from 'ssh2';
import { SshError, SshService, type SshTarget } from '#ssh';
import { startTcpServer } from '../support/tcp-server.js';
import { startFakeSshd, type AfterLogin, type FakeSshd } from './fake-ssh.js';
import { createSshModule, eventually, freshKey } from './fixtures.js';

const DEADLINE_MS = 1500;
/** The call may take this much longer than its deadline. */
const SLACK_MS = 1000;
const MAX_RSS_GROWTH = 100 * 1024 * 1024;
const BANNER = 'SSH-2.0-OpenSSH_9.2p1\r\n';
const CHUNK = Buffer.alloc(64 * 1024, 'A');

/** Writes `chunk` for as long as the peer reads it (respecting backpressure, so our side stays small). */
function flood(stream: Writable, chunk: Buffer | string): void {
  const pump = () => {
    while (stream.writable && !stream.destroyed) {
      if (!stream.write(chunk)) return void stream.once('drain', pump);
    }
  };
  pump();
}

/** Writes one byte of `text` every `everyMs`, forever. */
function trickle(stream: Writable, text: string, everyMs = 50): void {
  let at = 0;
  const timer = setInterval(() => {
    if (!stream.writable || stream.destroyed) return void clearInterval(timer);
    stream.write(text[at++ % text.length] ?? ' ');
  }, everyMs);
  // A channel of a connection that was cut may never say 'close'.
  timer.unref();
  stream.on('close', () => clearInterval(timer));
}

/** SFTP packet: uint32 length, type byte, body. */
function sftpPacket(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(body.length + 1);
  header[4] = type;
  return Buffer.concat([header, body]);
}

function sshString(text: string): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(Buffer.byteLength(text));
  return Buffer.concat([length, Buffer.from(text)]);
}

/** SFTP VERSION 3 offering statvfs@openssh.com, so that the client asks for it. */
const SFTP_VERSION = sftpPacket(
  2,
  Buffer.concat([Buffer.from([0, 0, 0, 3]), sshString('statvfs@openssh.com'), sshString('2')]),
);

/** After the login: SFTP answered by `sftp`, every exec by `exec`. */
function misbehave(
  sftp: ((channel: ServerChannel) => void) | undefined,
  exec: (channel: ServerChannel) => void,
): AfterLogin {
  return (session) => {
    session.on('subsystem', (accept, reject, info) => {
      if (info.name !== 'sftp' || !sftp) return void reject();
      sftp(accept());
    });
    session.on('exec', (accept) => exec(accept()));
  };
}

const HOSTILE_RAW: [string, (socket: net.Socket) => void][] = [
  ['floods the banner without a line end', (socket) => flood(socket, CHUNK)],
  ['sends banner lines without end', (socket) => flood(socket, `${'x'.repeat(200)}\r\n`)],
  ['trickles the banner', (socket) => trickle(socket, BANNER)],
  ['sends its banner and never starts the key exchange', (socket) => socket.write(BANNER)],
  [
    'announces a huge packet in the key exchange and floods it',
    (socket) => {
      socket.write(BANNER);
      socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 10]));
      flood(socket, CHUNK);
    },
  ],
  ['trickles the key exchange', (socket) => trickle(socket, `${BANNER}\0\0\x01\x00\x14`)],
];

const HOSTILE_AFTER_LOGIN: [string, AfterLogin][] = [
  [
    'never answers SFTP or exec',
    misbehave(
      () => undefined,
      () => undefined,
    ),
  ],
  [
    'announces an endless SFTP reply and floods it',
    misbehave(
      (channel) => {
        channel.once('data', () => {
          channel.write(SFTP_VERSION);
          channel.once('data', () => {
            channel.write(Buffer.from([0x0f, 0xff, 0xff, 0xff, 201]));
            flood(channel, CHUNK);
          });
        });
      },
      () => undefined,
    ),
  ],
  ['floods the output of df', misbehave(undefined, (channel) => flood(channel, CHUNK))],
  ['floods stderr of df', misbehave(undefined, (channel) => flood(channel.stderr, CHUNK))],
  [
    'trickles the output of df and never exits',
    misbehave(undefined, (channel) => trickle(channel, 'Filesystem 1-blocks Used\n')),
  ],
];

describe(SshService.name, () => {
  let configDir: string;
  let moduleRef: TestingModule;
  let service: SshService;
  const servers: { close(): Promise<void> }[] = [];

  function target(port: number): SshTarget {
    return {
      host: '127.0.0.1',
      port,
      username: 'monitor',
      auth: { type: 'password', password: () => 'hostile-test-password' },
      pinnedHostKey: null,
    };
  }

  /**
   * Reads the disk of `server` and checks the call: it fails within the deadline plus the
   * slack, the process grew less than MAX_RSS_GROWTH, and the server sees its socket closed.
   */
  async function assertCut(server: { port: number; readonly open: number }): Promise<void> {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await assert.rejects(
      service.diskUsage(target(server.port), '/var/lib/postgresql', {
        cacheKey: freshKey(),
        timeoutMs: DEADLINE_MS,
      }),
    );
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(elapsed < DEADLINE_MS + SLACK_MS, `returned after ${Math.round(elapsed)} ms`);
    assert.ok(grown < MAX_RSS_GROWTH, `RSS grew by ${Math.round(grown / 1048576)} MB`);
    await eventually(() => server.open === 0, 'the server sees its socket closed', SLACK_MS);
  }

  before(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'pgmon-hostile-ssh-'));
    moduleRef = await createSshModule(configDir);
    await moduleRef.init();
    service = moduleRef.get(SshService);
  });

  after(async () => {
    await moduleRef?.close();
    for (const server of servers) await server.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  describe('diskUsage', () => {
    for (const [what, behave] of HOSTILE_RAW) {
      it(`throws within the deadline, with bounded memory, for a server that ${what}`, async () => {
        const server = await startTcpServer((socket) => {
          // Reads (and drops) what the client sends, so that its hang-up is noticed.
          socket.resume();
          behave(socket);
        });
        servers.push(server);
        await assertCut(server);
      });
    }

    it('throws protocol_error long before the deadline for a server that sends banner lines without end', async () => {
      const server = await startTcpServer((socket) => {
        socket.resume();
        flood(socket, `${'x'.repeat(200)}\r\n`);
      });
      servers.push(server);
      const started = performance.now();
      await assert.rejects(
        service.diskUsage(target(server.port), '/var/lib/postgresql', {
          cacheKey: freshKey(),
          timeoutMs: DEADLINE_MS,
        }),
        (error) => error instanceof SshError && error.code === 'protocol_error',
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed < DEADLINE_MS / 2, `cut after ${Math.round(elapsed)} ms`);
    });

    for (const [what, afterLogin] of HOSTILE_AFTER_LOGIN) {
      it(`throws within the deadline, with bounded memory, for a server that ${what}`, async () => {
        const server: FakeSshd = await startFakeSshd({ afterLogin });
        servers.push(server);
        await assertCut(server);
      });
    }
  });
});

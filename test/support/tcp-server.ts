import net from 'node:net';

/** A TCP server on loopback for fake targets: counts connections and knows which are open. */
export interface TcpServer {
  port: number;
  /** Connections accepted. */
  readonly connections: number;
  /** Connections whose socket is still open on the server's side. */
  readonly open: number;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and hands every connection to `behave`. */
export async function startTcpServer(behave: (socket: net.Socket) => void): Promise<TcpServer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    behave(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

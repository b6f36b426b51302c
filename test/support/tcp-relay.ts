import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** A TCP relay in front of a bridge, for the Genesys delivery tests. */
export interface TcpRelay {
  url: string;
  /** Cut every open connection at once, as a network drop does: both sides see it close. */
  drop(): void;
  /**
   * Swallow the next chunk the bridge writes and cut only the client's side: the bridge wrote it
   * all out and cannot know it was lost. Resolves once it is swallowed.
   */
  swallowNext(): Promise<void>;
  /** New connections go to this port (another bridge process of the cluster, say); open ones stay. */
  to(port: number): void;
  close(): void;
}

export async function tcpRelay(port: number): Promise<TcpRelay> {
  const pairs = new Set<[Socket, Socket]>();
  let swallow: (() => void) | undefined;
  let upstreamPort = port;
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!swallow) return void client.write(chunk);
      const swallowed = swallow;
      swallow = undefined;
      client.destroy();
      swallowed();
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drop: cut,
    swallowNext: () => new Promise<void>((resolve) => (swallow = resolve)),
    to: (next) => (upstreamPort = next),
    close: () => {
      cut();
      server.close();
    },
  };
}

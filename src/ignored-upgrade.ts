import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

/**
 * Serve a request whose `Upgrade` no face takes (e.g. `Upgrade: h2c`, which Java 11+ HttpClient and
 * `curl --http2` send by default) as the plain HTTP/1.1 request it also is: RFC 9110 §7.8 lets a
 * server ignore Upgrade.
 *
 * node:http cannot be told so on Node 20: once an 'upgrade' listener exists, every request with
 * `Connection: upgrade` goes to it, its socket already detached from the HTTP parser (docs, http,
 * Event 'upgrade'). Node 24.9's `shouldUpgradeCallback` server option does what this does; until
 * `engines` allows it, the request goes back to the server the documented way: "This event can also
 * be explicitly emitted by users to inject connections into the HTTP server" (docs, http, Event
 * 'connection'; an https server serves HTTP on 'secureConnection'). Its head is written again
 * without the upgrade, and the bytes already read after it follow, so the body, keep-alive and any
 * pipelined request are the server's own parser's business.
 */
export function serveIgnoringUpgrade(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const options = (req.headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  // `close` and `keep-alive` still say how the connection goes on; the other options name the
  // hop-by-hop headers that asked for the upgrade (Upgrade, HTTP2-Settings), dropped with them.
  const kept = options.filter((o) => o === 'close' || o === 'keep-alive');
  const dropped = new Set(['connection', 'upgrade', ...options]);
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (!dropped.has(name.toLowerCase())) lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  if (kept.length) lines.push(`Connection: ${kept.join(', ')}`);
  // node:http reads the request line and headers as latin1: written back the same, the bytes are the client's.
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit(socket instanceof TLSSocket ? 'secureConnection' : 'connection', socket);
}

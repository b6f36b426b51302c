import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';

type ServerConfig = Config['server'];

/**
 * node's own limits on what a client may hold, in seconds as configured. Long polls are safe under
 * `requestTimeout`: node's docs define it as the time for *receiving the entire request from the
 * client*, and node stops counting once the request's last byte is parsed, however long our
 * answer then takes (the Huawei event poll, CometD /meta/connect). WebSockets are safe under all
 * three: node drops an upgraded socket from its HTTP bookkeeping, so only `maxConnections` and the
 * per-IP cap still see it. test/connection-limits.test.ts holds each of these.
 */
export const timeoutOptions = (config: ServerConfig): ServerOptions => ({
  headersTimeout: config.headersTimeoutSeconds * 1000,
  requestTimeout: config.requestTimeoutSeconds * 1000,
  keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
  // node checks the two timeouts above only this often (30 s by default, which made a 60 s headers
  // timeout hold a silent connection ~90 s): each check walks the open requests, cheap at 1 s.
  connectionsCheckingInterval: 1000,
});

/** The caps on open connections: all of them (node closes the extra ones itself) and per client IP. */
export function capConnections(server: Server, config: ServerConfig, logger: Logger): void {
  server.maxConnections = config.maxConnections;
  const warnOnce = oncePerMinute(logger);
  server.on('drop', () => warnOnce('all', 'connection refused: server.maxConnections reached', { maxConnections: config.maxConnections }));
  if (config.maxConnectionsPerIp > 0) capPerIp(server, config.maxConnectionsPerIp, Boolean(config.tls), warnOnce);
}

/**
 * Refused straight from 'connection' and closed there, before node's parser reads a byte: reading
 * the request first would hold the socket up to the headers timeout (what a slowloris wants), and
 * a request it parsed would run with nobody to answer. A raw TCP slowloris never reads an answer,
 * so closing is all it deserves; a real client over its cap (agents behind one NAT, a proxy) gets
 * a best-effort plain-HTTP 503 first (one small write, which goes out before the close) — except
 * on TLS, where nothing readable can be said before a handshake we will not spend.
 */
function capPerIp(server: Server, cap: number, tls: boolean, warnOnce: WarnOnce): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const count = (open.get(ip) ?? 0) + 1;
    if (count > cap) {
      warnOnce(ip, 'connection refused: server.maxConnectionsPerIp reached', { ip, maxConnectionsPerIp: cap });
      if (!tls) socket.write(REFUSED);
      socket.destroy();
      return;
    }
    open.set(ip, count);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
  });
}

const REFUSED_TEXT = 'too many connections from your address\n';
const REFUSED = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain\r\nContent-Length: ${REFUSED_TEXT.length}\r\n\r\n${REFUSED_TEXT}`;

type WarnOnce = (key: string, message: string, meta: Record<string, unknown>) => void;

/** One warning per key (an IP, or `all`) a minute: a flood of refusals must not flood the log. */
function oncePerMinute(logger: Logger): WarnOnce {
  const warned = new Map<string, number>();
  return (key, message, meta) => {
    const now = Date.now();
    if ((warned.get(key) ?? -Infinity) > now - 60_000) return;
    if (warned.size >= 10_000) warned.clear();
    warned.set(key, now);
    logger.warn(message, meta);
  };
}

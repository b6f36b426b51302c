import type { NodeAdapter } from 'faye';

/** faye's wrapper of a client's WebSocket (faye/src/protocol/socket.js). */
export interface FayeSocket {
  close(): void;
}

/** The part of faye's engine (faye/src/engines/proxy.js) the face reaches: faye's NodeAdapter has no public way to it. */
interface Engine {
  destroyClient(clientId: string): void;
  openSocket(clientId: string, socket: FayeSocket): void;
}

const engineOf = (bayeux: NodeAdapter) => (bayeux as unknown as { _server: { _engine: Engine } })._server._engine;

/** End one client, as faye's own timeout and /meta/disconnect do. */
export function destroyClient(bayeux: NodeAdapter, clientId: string): void {
  engineOf(bayeux).destroyClient(clientId);
}

/**
 * For the clients `held` names, faye does not write notifications on their WebSocket as they
 * come: it keeps them for the client's next /meta/connect answer, as for a long poll. faye ties a
 * WebSocket to a client on each message it reads from it (node_adapter.js handleUpgrade →
 * openSocket), and a connection with a socket sends at once (engines/connection.js deliver);
 * without one, it queues and answers the held /meta/connect (the socket still carries that
 * answer). `opened` gets the socket faye would have tied, to close it when the face stops.
 */
export function holdSocketDeliveries(bayeux: NodeAdapter, held: (clientId: string) => boolean, opened: (clientId: string, socket: FayeSocket) => void): void {
  const engine = engineOf(bayeux);
  const open = engine.openSocket.bind(engine);
  engine.openSocket = (clientId, socket) => {
    if (!held(clientId)) return open(clientId, socket);
    opened(clientId, socket);
  };
}

/**
 * Whether a subscription to `pattern` gets what is published on `channel`, as faye routes it
 * (protocol/channel.js expand: the name itself, its last segment as `*`, any prefix with `**`).
 */
export function matches(pattern: string, channel: string): boolean {
  if (pattern === channel) return true;
  if (pattern.endsWith('/**')) return channel.startsWith(pattern.slice(0, -2));
  if (pattern.endsWith('/*')) return channel.slice(0, channel.lastIndexOf('/')) === pattern.slice(0, -2);
  return false;
}

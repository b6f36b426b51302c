import { createRequire } from 'node:module';
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

/** faye's channel names (protocol/channel.js): not part of its public API, loaded as faye itself loads it. */
const fayeChannel = createRequire(import.meta.url)('faye/src/protocol/channel.js') as { expand(name: string): string[] };

/**
 * The subscriptions whose clients get what is published on `channel`, as faye routes it: its
 * engine hands a message to the subscribers of each (engines/memory.js publish).
 */
export function routes(channel: string): string[] {
  return fayeChannel.expand(channel);
}

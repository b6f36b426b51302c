// The part of faye's API the Genesys face uses (faye ships no types).
declare module 'faye' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Duplex } from 'node:stream';

  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    subscription?: string | string[];
    data?: unknown;
    error?: string;
    successful?: boolean;
    ext?: Record<string, unknown>;
    [key: string]: unknown;
  }
  export interface Extension {
    incoming?(message: BayeuxMessage, request: IncomingMessage | undefined, callback: (message: BayeuxMessage) => void): void;
    outgoing?(message: BayeuxMessage, request: IncomingMessage | undefined, callback: (message: BayeuxMessage) => void): void;
  }
  export interface Client {
    publish(channel: string, data: unknown): unknown;
  }
  export class NodeAdapter {
    constructor(options: { mount: string; timeout?: number; ping?: number });
    addExtension(extension: Extension): void;
    getClient(): Client;
    handle(request: IncomingMessage, response: ServerResponse): void;
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
    bind(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): void;
    close(): void;
  }
  const faye: { NodeAdapter: typeof NodeAdapter };
  export default faye;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapt } from 'cometd-nodejs-client';
import { AckExtension, CometD, type Message } from 'cometd';
import { parse } from 'yaml';
import { basic, eventually } from './agent-faces.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

/**
 * A GWS agent desktop's notification side, as the public clients do it: a real CometD client
 * on long-polling (GWS 8.5 serves no WebSocket, genesys.md §3), Basic in the request headers
 * (chaosloth/genesys-concierge-ui js/gws/cometd/main.js), one subscription per media topic
 * (the iOS HTCC sample) or `/v2/me/*`. It records every notification it gets.
 */
export class GwsDesktop {
  readonly messages: Array<{ channel: string; data: any }> = [];
  readonly cometd = new CometD();

  private constructor(url: string, headers: Record<string, string>) {
    this.cometd.unregisterTransport('websocket');
    this.cometd.configure({ url: `${url}/api/v2/notifications`, requestHeaders: headers, logLevel: 'warn' });
  }

  /** `acks`: with the CometD acknowledgement extension, as a client registers it (cometd/AckExtension.js). */
  static async open(
    url: string,
    user: string,
    password: string,
    topics: string[] = ['/v2/me/*'],
    headers: Record<string, string> = {},
    acks = false,
  ): Promise<GwsDesktop> {
    const d = new GwsDesktop(url, { Authorization: basic(user, password), ...headers });
    if (acks) d.cometd.registerExtension('ack', new AckExtension());
    await new Promise<void>((resolve, reject) => {
      d.cometd.handshake((reply: Message) => {
        if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
        let left = topics.length;
        for (const t of topics) {
          d.cometd.subscribe(
            t,
            (m: Message) => d.messages.push({ channel: m.channel, data: m.data }),
            (sub: Message) => {
              if (!sub.successful) return reject(new Error(JSON.stringify(sub)));
              if (--left === 0) resolve();
            },
          );
        }
      });
    });
    return d;
  }

  /** The first notification matching, waiting for it. */
  next(match: (m: { channel: string; data: any }) => boolean, what: string, ms = 5000) {
    return eventually(() => this.messages.find(match), ms, what);
  }

  count(match: (m: { channel: string; data: any }) => boolean): number {
    return this.messages.filter(match).length;
  }

  close(): void {
    this.cometd.disconnect();
  }
}

/** The sample configuration's contact center and faces (config/mcc-bridge.example.yaml). */
export function sampleConfig(): { embedded: Record<string, unknown>; faces: Record<string, unknown> } {
  const doc = parse(readFileSync(join(process.cwd(), 'config', 'mcc-bridge.example.yaml'), 'utf8')) as Record<string, any>;
  return { embedded: doc.embedded, faces: doc.faces };
}

import { Agent, request } from 'undici';
import type { PushConfig, WebhookConfig } from '../config/index.js';
import { SIGNATURE_HEADER, signature } from './signature.js';

/** Where a webhook goes, for the log: its origin and path, never credentials or a query (which may carry a token). */
const target = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** undici's timeouts (connect, headers, body): the receiver did not answer in time. */
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The webhook POSTs, signed, on one keep-alive pool of `push.concurrency` connections. undici's
 * request(): ~37 µs of CPU a POST on the bench machine, where fetch() (undici's WHATWG layer,
 * streams and an AbortSignal per call) took ~240 µs; this runs on the core that answers the MCC.
 */
export class WebhookSender {
  private readonly pool: Agent;

  constructor(private readonly config: Pick<PushConfig, 'concurrency' | 'timeoutSeconds'>) {
    const timeout = config.timeoutSeconds * 1000;
    this.pool = new Agent({ connections: config.concurrency, connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout });
  }

  /** One attempt; undefined when the receiver took it (2xx), else why not. Redirects are not followed. */
  async post(hook: WebhookConfig, body: string): Promise<string | undefined> {
    try {
      const res = await request(hook.url, {
        method: 'POST',
        dispatcher: this.pool,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mcc-bridge',
          [SIGNATURE_HEADER]: signature(hook.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      await res.body.dump(); // the answer's body is not read: the connection is freed
      return res.statusCode >= 200 && res.statusCode < 300 ? undefined : `${target(hook.url)} answered ${res.statusCode}`;
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      return `${target(hook.url)}: ${TIMEOUTS.has(code) ? `no answer in ${this.config.timeoutSeconds} s` : (e as Error).message}`;
    }
  }

  /** Attempts under way are cut (their entries are sent again once their leases run out), or with `graceful` let finish. */
  async close(options: { graceful?: boolean } = {}): Promise<void> {
    await (options.graceful ? this.pool.close() : this.pool.destroy()).catch(() => undefined);
  }
}

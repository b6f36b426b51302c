import { PassThrough } from 'node:stream';
import type { OperatorSnapshot, OperatorView } from '../../backends/operator-view.js';
import type { Logger } from '../../log/logger.js';
import { sections } from './render.js';

export interface LiveOptions {
  /** How often the store is read while a page listens. */
  intervalMs: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: number;
}

/**
 * The pages' Server-Sent Events: while at least one page listens, one snapshot every `intervalMs`
 * for this process, whatever the number of pages; it is sent when it differs from the last one
 * (a snapshot holds instants, not ages, so an unchanged contact center sends nothing).
 *
 * Why a read every 500 ms rather than a signal after each commit: with PostgreSQL the change may
 * come from another bridge process, which no in-process signal hears; and the engine's write path
 * stays untouched (no hook, no cost on an MCC call). The price is a few indexed reads twice a
 * second, and only while someone watches.
 */
export class LiveSnapshots {
  private readonly streams = new Set<PassThrough>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reading = false;
  /** The last snapshot sent (as JSON, to compare) or why there is none, for pages that join. */
  private last: { json: string; snapshot: OperatorSnapshot } | { unavailable: string } | undefined;

  constructor(
    private readonly view: OperatorView,
    private readonly logger: Logger,
    private readonly options: LiveOptions = { intervalMs: 500, heartbeatMs: 15_000 },
  ) {}

  /** A new page's stream: the current snapshot at once, then every change. */
  open(): PassThrough {
    const stream = new PassThrough();
    // The browser retries after a second when the connection drops (a restart, a proxy).
    stream.write('retry: 1000\n\n');
    if (this.last) stream.write(this.event());
    this.streams.add(stream);
    if (!this.timer) {
      this.timer = setInterval(() => void this.read(), this.options.intervalMs).unref();
      this.heartbeat = setInterval(() => this.send(': keep-alive\n\n'), this.options.heartbeatMs).unref();
    }
    void this.read();
    return stream;
  }

  /** The bridge stops: every page's stream ends now (the browser reconnects to whichever process is up). */
  closeAll(): void {
    for (const stream of [...this.streams]) this.close(stream);
  }

  close(stream: PassThrough): void {
    this.streams.delete(stream);
    stream.end();
    if (this.streams.size > 0) return;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.last = undefined; // nobody watches: the next page starts from a fresh read
  }

  /** The last state as an event, stamped with the server's clock now (the page counts ages from it). */
  private event(): string {
    const last = this.last;
    if (!last) return '';
    if ('unavailable' in last) return `event: unavailable\ndata: ${JSON.stringify({ message: last.unavailable })}\n\n`;
    return `event: snapshot\ndata: ${JSON.stringify({ now: Date.now(), sections: sections(last.snapshot) })}\n\n`;
  }

  private send(text: string): void {
    for (const stream of this.streams) stream.write(text);
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const found = await this.view.snapshot();
      if (!found.ok) {
        const repeated = this.last !== undefined && 'unavailable' in this.last && this.last.unavailable === found.message;
        this.last = { unavailable: found.message };
        if (!repeated) this.send(this.event());
        return;
      }
      const json = JSON.stringify(found.value);
      if (this.last && 'json' in this.last && this.last.json === json) return;
      this.last = { json, snapshot: found.value };
      this.send(this.event());
    } catch (e) {
      this.logger.error('operator snapshot failed', { error: e });
    } finally {
      this.reading = false;
    }
  }
}

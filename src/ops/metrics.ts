import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the metrics read at scrape time from the backend: counts that live in the store or the adapter. */
export interface MetricsSource {
  /** Sessions by status (CLOSED ones still retained included), agent logins by ready / not_ready: one store read. */
  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }>;
  /** Is the vendor circuit breaker open (vendor backends only)? */
  readonly circuitOpen?: boolean | undefined;
}

const PREFIX = 'mcc_bridge_';

/**
 * Prometheus metrics (prom-client): requests by face, operation, result and fail reason with
 * their latency, sessions by status, agents by state, backend errors and the breaker, plus the
 * process defaults. One registry per bridge, so tests can run several in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'face' | 'operation' | 'result' | 'fail_reason'>;
  private readonly latency: Histogram<'face' | 'operation'>;
  private readonly backendErrors: Counter<'backend' | 'reason'>;
  private readonly webhooks: Counter<'subscriber' | 'outcome'>;
  private source: MetricsSource | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    // Gauges named like counters, which Prometheus's lint refuses (`promtool check metrics`); each
    // is the sum of its by-type sibling (nodejs_active_handles{type=…} and so on), which stays.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(PREFIX + name);
    }
    this.requests = new Counter({
      name: 'mcc_requests_total',
      help: 'Requests answered, by face, operation, result and fail reason',
      labelNames: ['face', 'operation', 'result', 'fail_reason'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'mcc_request_duration_seconds',
      help: 'Time to answer a request, by face and operation',
      labelNames: ['face', 'operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.backendErrors = new Counter({
      name: 'mcc_backend_errors_total',
      help: 'Failed calls to the contact center (vendor adapters), by reason',
      labelNames: ['backend', 'reason'],
      registers: [this.registry],
    });
    this.webhooks = new Counter({
      name: 'mcc_webhook_attempts_total',
      help: 'Webhook delivery attempts, by subscriber and outcome (delivered, failed and to be retried, dead_lettered)',
      labelNames: ['subscriber', 'outcome'],
      registers: [this.registry],
    });
    // collect() runs with `this` bound to its gauge: reach the metrics through these instead.
    const counts = () => this.counts();
    const circuitOpen = () => this.source?.circuitOpen;
    new Gauge({
      name: 'mcc_sessions',
      help: 'Sessions in the store, by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [status, n] of Object.entries((await counts()).sessions)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'mcc_agent_channels',
      help: 'Agent logins per channel, by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries((await counts()).agents)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'mcc_backend_circuit_open',
      help: '1 while the vendor circuit breaker is open',
      registers: [this.registry],
      collect() {
        const open = circuitOpen();
        if (open !== undefined) this.set(open ? 1 : 0);
      },
    });
  }

  /** The gauges of one scrape are collected together: they share one store read. */
  private counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> {
    this.reading ??= (this.source?.counts() ?? Promise.resolve({ sessions: {}, agents: {} }))
      .catch(() => ({ sessions: {}, agents: {} }))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
  private reading: Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> | undefined;

  attach(source: MetricsSource): void {
    this.source = source;
  }

  request(face: string | undefined, operation: string | undefined, result: string | undefined, failReason: string | undefined, seconds: number): void {
    const f = face ?? 'other';
    const op = operation ?? 'none';
    this.requests.inc({ face: f, operation: op, result: result ?? 'none', fail_reason: failReason ?? '' });
    this.latency.observe({ face: f, operation: op }, seconds);
  }

  backendError(backend: string, reason: string): void {
    this.backendErrors.inc({ backend, reason });
  }

  webhook(subscriber: string, outcome: 'delivered' | 'failed' | 'dead_lettered', changes = 1): void {
    if (changes > 0) this.webhooks.inc({ subscriber, outcome }, changes);
  }
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobHandler, JobQueue } from './jobs/queue';

/*
 * Prometheus metrics, one registry per composed server (tests run several in one process, and a
 * global registry would mix them). The kernel owns the instruments; features and the root feed
 * them, and gauges read their value when scraped, so nothing polls in between.
 */

export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'servicetorg_http_request_duration_seconds',
    help: 'HTTP requests by route pattern (never the raw path), method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'servicetorg_webhook_requests_total',
    help: 'Provider webhooks by channel and answer status (403: bad signature, 5xx: not stored)',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  readonly inbound = new Counter({
    name: 'servicetorg_inbound_messages_total',
    help: 'Messages from citizens recorded in the register, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly sent = new Counter({
    name: 'servicetorg_messages_sent_total',
    help: 'Outbound messages the provider accepted, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly statuses = new Counter({
    name: 'servicetorg_message_status_changes_total',
    help: 'Delivery status changes applied to outbound messages, by channel and new status',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'servicetorg_job_runs_total',
    help: 'Job runs by queue and outcome: ok, failed (retried later) or dead (no runs left)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(opts: { defaults?: boolean } = {}) {
    // Process figures (CPU, memory, event-loop lag, handles) under the usual names.
    if (opts.defaults !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose values are read at scrape time; a reader that fails leaves the gauge empty that time. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<Array<[Partial<Record<L, string>>, number]>> | Array<[Partial<Record<L, string>>, number]>,
  ) {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [labels, value] of await read()) this.set(labels, value);
        } catch {
          /* nothing to report this time */
        }
      },
    });
  }

  /** The queue with every handler's runs counted; what the queue does is unchanged. */
  countJobs(jobs: JobQueue): JobQueue {
    const runs = this.jobRuns;
    const handle = jobs.handle.bind(jobs);
    jobs.handle = <T extends Record<string, unknown>>(queue: string, handler: JobHandler<T>) =>
      handle<T>(queue, {
        async run(data, ctx) {
          try {
            await handler.run(data, ctx);
            runs.inc({ queue, outcome: 'ok' });
          } catch (err) {
            runs.inc({ queue, outcome: ctx.final ? 'dead' : 'failed' });
            throw err;
          }
        },
        ...(handler.dead && { dead: handler.dead.bind(handler) }),
      });
    return jobs;
  }
}

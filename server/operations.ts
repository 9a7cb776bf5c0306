import type { Redis } from 'ioredis';
import type { Kernel } from './core/kernel';
import type { ReadinessCheck } from './core/http/operations';
import { poolStats } from './core/db/pool-stats';
import type { Agents } from './core/realtime/agents';
import type { Register } from './register/module';
import type { EmailFeature } from './email/module';

/*
 * The root's part of /metrics and /health/ready: what only the composed server can see (agents'
 * sockets, the mail watcher, the Redis connection, the register's events) wired to the kernel's
 * instruments. Gauges read their value at scrape time.
 */

export interface Observed {
  kernel: Kernel;
  agents: Agents;
  register: Register;
  email: EmailFeature | null;
  redis: Redis | null;
  /** Whether this process runs the background work (the mail watcher among it). */
  runsBackground: boolean;
}

export function observe(o: Observed): ReadinessCheck[] {
  const { metrics, jobs, db } = o.kernel;
  o.register.events.on('message:recorded', ({ message, channel }) => {
    if (message.direction === 'in') metrics.inbound.inc({ channel });
  });
  o.register.events.on('message:sent', ({ channel }) => metrics.sent.inc({ channel }));

  metrics.gauge('servicetorg_connected_agents', "Agents' sockets connected to this process, by presence", ['status'], () => {
    const by = new Map<string, number>();
    for (const socket of o.agents.namespace.sockets.values()) by.set(socket.data.status, (by.get(socket.data.status) ?? 0) + 1);
    return [...by].map(([status, n]) => [{ status }, n]);
  });
  metrics.gauge('servicetorg_job_queue_depth', 'Jobs waiting (due or scheduled) and running, per queue', ['queue', 'state'], async () =>
    (await jobs.depths()).map((d) => [{ queue: d.queue, state: d.state }, d.count]),
  );
  metrics.gauge(
    'servicetorg_imap_connected',
    '1 while the mail watcher holds its IMAP connection (only where IMAP_URL is set and the process runs background work)',
    [],
    () => (o.email?.watcher && o.runsBackground ? [[{}, o.email.watcher.connected ? 1 : 0]] : []),
  );
  metrics.gauge('servicetorg_db_pool_connections', 'MariaDB pool: connections open, idle, requests waiting, and the limit', ['state'], () => {
    const p = poolStats(db);
    return p ? (Object.entries(p) as Array<[string, number]>).map(([state, n]) => [{ state }, n]) : [];
  });

  return [
    { name: 'redis', check: async () => (o.redis ? ((await o.redis.ping()) === 'PONG' ? 'ok' : 'down') : 'off') },
    // The queue's own store answers (the jobs table, or BullMQ's Redis).
    { name: 'queue', check: async () => (await jobs.depths(), 'ok') },
    {
      name: 'mail',
      // A watcher that never connected, or lost its connection and says why, is down; reconnecting after a drop is normal.
      check: async () => {
        const w = o.email?.watcher;
        if (!w || !o.runsBackground) return 'off';
        return w.connected || (!w.stats.lastError && w.stats.connections === 0) ? 'ok' : 'down';
      },
    },
  ];
}

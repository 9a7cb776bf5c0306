/*
 * The two servers the SMS inbound bench compares, each run in its own child process:
 *   product  the whole Servicetorg composition (signed webhook → InboundService → MariaDB)
 *   bare     express + mysql2: parse the form, one INSERT, answer TwiML
 * Usage: tsx bench/sms-inbound/servers.ts <product|bare> <mysql url>. Prints {"port": n} when listening.
 * On SIGUSR2 it prints {"loopDelay": {...}}, the event-loop delay (perf_hooks.monitorEventLoopDelay,
 * in ms) since the previous SIGUSR2 or the start, and starts counting afresh: run.ts asks before
 * and after the measured load, so a stall (a long synchronous stretch, a GC pause) shows as a tail here.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import express from 'express';
import mysql from 'mysql2/promise';
import { loadConfig } from '../../server/core/config';
import { compose } from '../../server/index';
import { createLogger } from '../../server/core/logger';

export const BENCH_PUBLIC_URL = 'https://bench.servicetorg.test';
export const BENCH_ACCOUNT_SID = 'AC' + 'b0'.repeat(16);
export const BENCH_AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';

async function product(databaseUrl: string): Promise<number> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    PUBLIC_BASE_URL: BENCH_PUBLIC_URL,
    TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
    // Inbound messages send nothing; a HELP would go here and fail fast, never off this machine.
    TWILIO_API_URL: 'http://127.0.0.1:9',
  });
  const app = await compose(config, { logger: createLogger('silent') });
  return app.listen(0);
}

async function bare(databaseUrl: string): Promise<number> {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 25 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS inbound (id INT AUTO_INCREMENT PRIMARY KEY, sid VARCHAR(64) NOT NULL UNIQUE, from_number VARCHAR(32), to_number VARCHAR(32), body TEXT, created_at DATETIME(3)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  );
  const app = express();
  app.post('/webhooks/twilio/sms', express.urlencoded({ extended: false }), async (req, res) => {
    const b = req.body as Record<string, string>;
    await pool.query('INSERT INTO inbound (sid, from_number, to_number, body, created_at) VALUES (?, ?, ?, ?, NOW(3))', [b.MessageSid, b.From, b.To, b.Body]);
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

if (require.main === module) {
  const [mode, url] = process.argv.slice(2);
  // An orderly exit, so a profile (--cpu-prof) is written when the bench stops the server.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // Garbage collection over the same period: its pauses are one suspect for a tail.
  const gc = { ms: 0, majorMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.majorMs += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const r = (x: number) => Math.round(x * 100) / 100;
    const loopDelay = {
      p50: ms(loop.percentile(50)),
      p99: ms(loop.percentile(99)),
      p999: ms(loop.percentile(99.9)),
      max: ms(loop.max),
      mean: ms(loop.mean),
      gcMs: r(gc.ms),
      gcMajorMs: r(gc.majorMs),
      gcMaxMs: r(gc.maxMs),
    };
    process.stdout.write(JSON.stringify({ loopDelay }) + '\n');
    loop.reset();
    Object.assign(gc, { ms: 0, majorMs: 0, maxMs: 0 });
  });
  (mode === 'product' ? product(url) : bare(url))
    .then((port) => process.stdout.write(JSON.stringify({ port }) + '\n'))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}

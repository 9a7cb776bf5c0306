import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArchiveRequest {
  key: string | undefined;
  status: number;
  body: Record<string, unknown>;
}

/**
 * A records archive's JSON intake on 127.0.0.1: answers 500 while `failing()` says so, otherwise
 * stores the post under its Idempotency-Key (a repeat is answered 200 and not stored again).
 */
export async function startArchiveStandin(opts: { failing: (key: string | undefined) => boolean }) {
  const requests: ArchiveRequest[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const key = req.headers['idempotency-key'] as string | undefined;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        /* kept empty: answered 400 below */
      }
      let status = 201;
      if (opts.failing(key)) status = 500;
      else if (!key || req.method !== 'POST' || req.headers['content-type'] !== 'application/json' || body.idempotencyKey !== key) status = 400;
      else if (stored.has(key)) status = 200;
      else stored.set(key, body);
      requests.push({ key, status, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/journal`,
    requests,
    stored,
    /** Successful answers per key: exactly one means delivered exactly once. */
    acceptedPerKey: () => {
      const n = new Map<string, number>();
      for (const r of requests) if (r.key && r.status < 300) n.set(r.key, (n.get(r.key) ?? 0) + 1);
      return n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

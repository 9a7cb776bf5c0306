/*
 * Processes for the screen-pop benches: free loopback ports, a private redis-server, helper
 * processes forked over IPC, the product started the way production starts it, and the CPU time
 * a process has used. Everything listens on 127.0.0.1.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { z } from 'zod';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Started here and not yet gone: killed when this process exits, whichever way it does. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});

function track(c: ChildProcess): ChildProcess {
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of our own: Redis pub/sub channels are global to a server, so sharing one would mix runs' broadcasts. */
export async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = track(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: 'ignore',
    }),
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.once('error', () => r(false));
    });
    if (up) return { url: `redis://127.0.0.1:${port}`, proc };
    await sleep(50);
  }
  proc.kill();
  throw new Error('redis-server did not start');
}

/** Forks a helper (a .ts file run through tsx), sends its start message, and parses its ready answer. */
export async function forkHelper<R>(file: string, start: unknown, ready: z.ZodType<R>): Promise<{ proc: ChildProcess; ready: R }> {
  const proc = track(fork(path.join(__dirname, file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const answer = await new Promise<unknown>((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)));
    proc.send(start as never);
  });
  return { proc, ready: ready.parse(answer) };
}

export interface Product {
  proc: ChildProcess;
  url: string;
  log: string;
  stop(): Promise<void>;
}

/**
 * The product as production runs it: its own process, `server/main.ts` through tsx, configured by
 * environment variables only. `nodeArgs` go to node before the script (e.g. --cpu-prof); `role`
 * is its --role (a worker gets --health-port, which is what `url` then answers). Its output goes to
 * a file, since a pipe read here would put its logging on our event loop.
 */
export async function startProduct(
  env: Record<string, string>,
  nodeArgs: string[],
  logDir: string,
  name: string,
  role?: 'web' | 'worker' | 'both',
): Promise<Product> {
  const port = await freePort();
  const root = path.resolve(__dirname, '../..');
  const log = path.join(logDir, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TMPDIR: process.env.TMPDIR ?? '/tmp' };
  const proc = track(
    spawn(
      process.execPath,
      ['--import', 'tsx', ...nodeArgs, 'server/main.ts', ...(role ? ['--role', role] : []), ...(role === 'worker' ? ['--health-port', String(port)] : [])],
      {
        cwd: root,
        env: { ...base, ...env, PORT: String(port) },
        stdio: ['ignore', out, out],
      },
    ),
  );
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the product exited (${proc.exitCode}); see ${log}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error(`the product did not answer /health within 90 s; see ${log}`);
    await sleep(200);
  }
  return {
    proc,
    url,
    log,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 25_000);
      await gone;
      clearTimeout(t);
    },
  };
}

/** CPU milliseconds (user + system) a process has used so far (Linux /proc); NaN when unreadable. */
export function cpuMs(pid: number | undefined | null): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** MariaDB's server process, or null (another machine, or not visible from here). */
export function mariadbPid(): number | null {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pidof', ['-s', name], { encoding: 'utf8' }).trim());
      if (pid > 0) return pid;
    } catch {
      // not running under that name
    }
  }
  return null;
}

export const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

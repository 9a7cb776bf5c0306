import { spawn } from 'node:child_process';
import path from 'node:path';

/*
 * The production logger batches stdout (server/core/logger.ts): a line must still leave within
 * about a second on a quiet server, and nothing written before an exit — also process.exit in a
 * crash handler — may be lost.
 */
const tsx = path.resolve('node_modules/.bin/tsx');
const logger = path.resolve('server/core/logger.ts');

function run(script: string): Promise<{ lines: { at: number; msg: string }[]; code: number | null }> {
  const child = spawn(tsx, ['-e', `const { createLogger } = require(${JSON.stringify(logger)}); ${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = Date.now();
  const lines: { at: number; msg: string }[] = [];
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts.filter(Boolean)) lines.push({ at: Date.now() - started, msg: (JSON.parse(l) as { msg: string }).msg });
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ lines, code })));
}

describe('the stdout logger', () => {
  it('writes every line before process.exit, however many are still buffered', async () => {
    const r = await run(`const l = createLogger('info'); for (let i = 0; i < 500; i++) l.info('line ' + i); l.error('last words'); process.exit(3);`);
    expect(r.code).toBe(3);
    expect(r.lines.map((l) => l.msg)).toEqual([...Array.from({ length: 500 }, (_, i) => `line ${i}`), 'last words']);
  }, 30_000);

  it('lets a lone line out within about a second while the process runs on', async () => {
    // One short line (far below the batch size), then the process stays up for 4 s.
    const r = await run(
      `const l = createLogger('info'); const t = Date.now(); l.info('alone'); setTimeout(() => { l.info('after ' + (Date.now() - t)); }, 4000);`,
    );
    const alone = r.lines.find((l) => l.msg === 'alone');
    const after = r.lines.find((l) => l.msg.startsWith('after'));
    expect(alone).toBeDefined();
    expect(after).toBeDefined();
    // It arrived long before the process ended: the timer let it out, not the exit.
    expect(after!.at - alone!.at).toBeGreaterThan(2000);
  }, 30_000);
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Encryption is age's (the `age` command, Debian package `age`): to a public recipient, so the
 * server that writes backups holds no key that reads them. Nothing here touches a cipher; it only
 * runs the command and reports how it ended.
 */
export const AGE_BINARY = 'age';

/** An age X25519 recipient (public key) as age-keygen prints it. */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

function finished(child: ChildProcessWithoutNullStreams, what: string): Promise<void> {
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('error', (err) =>
      reject(new Error(`${what}: cannot run "${AGE_BINARY}" (${err.message}); install it (Debian: apt-get install age)`, { cause: err })),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (age exit ${code}): ${stderr.trim().slice(0, 500)}`))));
  });
}

/** Encrypts what is written to `input` into `outFile`; `done` settles when age has written and closed the file. */
export function encryptToFile(recipient: string, outFile: string): { input: Writable; done: Promise<void> } {
  if (!AGE_RECIPIENT.test(recipient)) throw new Error('the backup recipient must be an age public key (age1…)');
  const child = spawn(AGE_BINARY, ['--encrypt', '--recipient', recipient, '--output', outFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.resume();
  return { input: child.stdin, done: finished(child, 'encrypting the backup') };
}

/**
 * Decrypts `file` with the private key in `identityFile`; read `output`, then await `done`, which
 * fails if the file was changed (age authenticates every chunk) or the key is not the recipient's.
 */
export function decryptFile(identityFile: string, file: string): { output: Readable; done: Promise<void> } {
  const child = spawn(AGE_BINARY, ['--decrypt', '--identity', identityFile, file], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  return { output: child.stdout, done: finished(child, 'decrypting the backup') };
}

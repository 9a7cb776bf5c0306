import fsp from 'node:fs/promises';
import path from 'node:path';
import type { UploadDir } from './multipart';

/*
 * Upload folders a crashed process left behind. Each process makes its own private folder
 * (`servicetorg-uploads-*`) under the temporary directory and removes it when it stops; one that
 * was killed never does, and the citizens' files in it would stay on disk indefinitely. So at
 * start and then hourly every process removes such folders that have been quiet for longer than
 * `staleAfterMs`, and keeps its own folder's time fresh so that no other process takes it for a
 * left-over one. The age is twice the sweep interval: a live folder is touched at least once
 * within any stretch that long, whenever the other process's timer happens to fire.
 */

export const UPLOAD_SWEEP_EVERY_MS = 60 * 60_000;
export const UPLOAD_STALE_AFTER_MS = 2 * UPLOAD_SWEEP_EVERY_MS;
const PREFIX = 'servicetorg-uploads-';

/** Removes stale upload folders beside `own` and stale files inside it; answers the paths removed. */
export async function sweepUploads(own: UploadDir, opts: { now?: number; staleAfterMs?: number } = {}): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const cutoff = now - (opts.staleAfterMs ?? UPLOAD_STALE_AFTER_MS);
  const removed: string[] = [];
  // Ours first, so that a sweep by another process at this moment sees it fresh.
  await fsp.utimes(own.path, now / 1000, now / 1000).catch(() => undefined);
  const base = path.dirname(own.path);
  const uid = process.getuid?.();
  for (const name of await fsp.readdir(base).catch(() => [] as string[])) {
    if (!name.startsWith(PREFIX)) continue;
    const full = path.join(base, name);
    const stat = await fsp.lstat(full).catch(() => null);
    // Only real folders of our own user: never follow a link planted in a shared temporary directory.
    if (!stat || !stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
    if (full === own.path) {
      // A request's files live as long as it does; one whose clean-up failed is swept here.
      for (const file of await fsp.readdir(full).catch(() => [] as string[])) {
        const f = path.join(full, file);
        const s = await fsp.lstat(f).catch(() => null);
        if (s && s.mtimeMs < cutoff) {
          await fsp.rm(f, { force: true, recursive: true });
          removed.push(f);
        }
      }
      continue;
    }
    if (stat.mtimeMs < cutoff) {
      await fsp.rm(full, { recursive: true, force: true });
      removed.push(full);
    }
  }
  return removed;
}

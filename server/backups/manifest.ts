import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The manifest beside each encrypted backup: what it holds, counted and summed inside the same
 * snapshot, and the encrypted file's SHA-256. Names, counts and keyed sums only, never content.
 */
export const manifestSchema = z.object({
  format: z.literal('servicetorg-backup-manifest'),
  version: z.literal(1),
  id: z.string().regex(/^servicetorg-(sqlite|mysql)-\d{8}T\d{9}Z-[0-9a-f]{8}$/),
  dialect: z.enum(['sqlite', 'mysql']),
  createdAt: z.string().max(40),
  file: z.string().max(200),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  recipient: z.string().max(100),
  tables: z.record(z.string().max(64), z.object({ rows: z.number().int().nonnegative(), checksum: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const MANIFEST_SUFFIX = '.manifest.json';
export const BACKUP_SUFFIX = '.age';

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function readManifest(file: string): Manifest {
  const stat = fs.statSync(file);
  if (stat.size > 1_000_000) throw new Error(`${file} is too large to be a backup manifest`);
  const parsed = manifestSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a backup manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The newest complete backup in a directory (a manifest is written last, so one without is unfinished), or null. */
export function latestManifest(directory: string): string | null {
  if (!fs.existsSync(directory)) return null;
  const names = fs
    .readdirSync(directory)
    .filter((n) => n.startsWith('servicetorg-') && n.endsWith(MANIFEST_SUFFIX))
    .sort();
  return names.length ? path.join(directory, names[names.length - 1]) : null;
}

/** Writes a file under a temporary name and renames it into place, so a reader never sees half of it. */
export function writeFileAtomically(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.partial`);
  fs.writeFileSync(temp, content, { mode: 0o640 });
  fs.renameSync(temp, file);
}

/** Table-by-table differences between what a manifest promised and what a restore holds. */
export function compareTables(expected: Manifest['tables'], actual: Manifest['tables']): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) problems.push(`table ${name} is missing from the restore`);
    else if (got.rows !== want.rows) problems.push(`table ${name}: ${got.rows} rows restored, ${want.rows} at backup time`);
    else if (got.checksum !== want.checksum) problems.push(`table ${name}: checksum differs from the one taken at backup time`);
  }
  for (const name of Object.keys(actual)) if (!(name in expected)) problems.push(`table ${name} was restored but is not in the manifest`);
  return problems;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { BackupSettings } from '../core/config';
import { copyBackup, createBackup, emptyScratch, NotEmptyError, restoreBackup } from './backup-engine';
import { latestManifest } from './manifest';
import type { BackupRun } from './entities';
import type { BackupHealth, BackupRunView, BackupStatusView } from '../contracts/backups';
import type { BackupRunRepository } from './runs.repository';

export type { BackupHealth };
export type BackupStatus = BackupStatusView;
type RunView = BackupRunView;

const view = (r: BackupRun | null): RunView | null =>
  r && {
    state: r.state,
    backupId: r.backupId,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    tables: r.tablesCount,
    rows: r.rowsCount,
    detail: r.detail,
  };

/** A run still marked running after this long died with its process. */
const RUN_LOST_AFTER_MS = 6 * 3600_000;

/**
 * Backups of the register and their verification: made on a schedule by the worker (or by `npm run
 * backup`), each run recorded so every process can tell whether backups are good, failing or late.
 */
export class BackupService {
  private readonly since: Date;

  constructor(
    private readonly deps: {
      settings: BackupSettings | undefined;
      databaseUrl: string;
      runs: BackupRunRepository;
      clock: () => Date;
      logger: Logger;
    },
  ) {
    this.since = deps.clock();
  }

  get configured(): boolean {
    return this.deps.settings !== undefined;
  }

  /** Makes a backup, copies it to the second location, records the run; `slot` null for one on demand. */
  async backup(slot: string | null = null): Promise<BackupRun | null> {
    const settings = this.required();
    const { runs, clock, logger } = this.deps;
    const run = await runs.claim('backup', slot ?? `manual-${clock().toISOString()}-${randomBytes(3).toString('hex')}`, clock());
    if (!run) return null;
    try {
      const created = await createBackup({ databaseUrl: this.deps.databaseUrl, directory: settings.directory, recipient: settings.recipient, now: clock() });
      await copyBackup(created, settings.copyDirectory);
      const tables = Object.values(created.manifest.tables);
      const result = {
        state: 'succeeded' as const,
        backupId: created.manifest.id,
        tablesCount: tables.length,
        rowsCount: tables.reduce((n, t) => n + t.rows, 0),
      };
      await runs.finish(run.id, result, clock());
      logger.info({ backup: created.manifest.id, tables: result.tablesCount, rows: result.rowsCount }, 'backup made and copied');
      return { ...run, ...result, finishedAt: clock(), detail: null };
    } catch (err) {
      logger.error({ err }, 'backup failed');
      await runs.finish(run.id, { state: 'failed', detail: (err as Error).message }, clock());
      return { ...run, state: 'failed', detail: (err as Error).message };
    }
  }

  /**
   * Restores the newest backup in the second location (what survives losing this server) into the
   * scratch database and compares every table's rows and checksum with its manifest.
   */
  async verify(slot: string | null = null): Promise<BackupRun | null> {
    const settings = this.required();
    const { runs, clock, logger } = this.deps;
    if (!settings.identityFile) throw new Error('verification needs the private key: set BACKUP_IDENTITY_FILE');
    const run = await runs.claim('verify', slot ?? `manual-${clock().toISOString()}-${randomBytes(3).toString('hex')}`, clock());
    if (!run) return null;
    let backupId: string | null = null;
    let foreignScratch = false;
    const scratchDir = settings.verifyDatabaseUrl ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'st-verify-'));
    const scratch = settings.verifyDatabaseUrl ?? `sqlite:${path.join(scratchDir!, 'scratch.sqlite')}`;
    try {
      const manifestFile = latestManifest(settings.copyDirectory);
      if (!manifestFile) throw new Error(`no backup to verify in ${settings.copyDirectory}`);
      backupId = path.basename(manifestFile).replace(/\.manifest\.json$/, '');
      const restored = await restoreBackup({ manifestFile, identityFile: settings.identityFile, targetUrl: scratch });
      const tables = Object.values(restored.manifest.tables);
      const result = {
        state: restored.problems.length ? ('failed' as const) : ('succeeded' as const),
        backupId: restored.manifest.id,
        tablesCount: tables.length,
        rowsCount: tables.reduce((n, t) => n + t.rows, 0),
        detail: restored.problems.length ? restored.problems.join('; ') : null,
      };
      await runs.finish(run.id, result, clock());
      if (result.state === 'failed') logger.error({ backup: backupId, problems: restored.problems }, 'backup verification failed');
      else logger.info({ backup: backupId }, 'backup verified');
      return { ...run, ...result, finishedAt: clock() };
    } catch (err) {
      // A scratch database that held tables before we came is someone's: it is reported, never emptied.
      if (err instanceof NotEmptyError) foreignScratch = true;
      logger.error({ err, backup: backupId }, 'backup verification failed');
      await runs.finish(run.id, { state: 'failed', backupId, detail: (err as Error).message }, clock());
      return { ...run, state: 'failed', backupId, detail: (err as Error).message };
    } finally {
      if (!foreignScratch) await emptyScratch(scratch).catch((err) => logger.warn({ err }, 'could not empty the verification scratch database'));
      if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
    }
  }

  /** The worker's timer: this period's backup and verification, each by whichever process claims it first. */
  async tick(): Promise<void> {
    const settings = this.deps.settings;
    if (!settings) return;
    const now = this.deps.clock().getTime();
    if (settings.everyMs > 0) await this.backup(`every-${settings.everyMs}-${Math.floor(now / settings.everyMs)}`);
    if (!settings.identityFile || settings.verifyEveryMs <= 0) return;
    // A backup another worker is still writing is what this period's verification should see: wait a tick for it.
    const { last } = await this.deps.runs.latest('backup');
    if (last?.state === 'running' && now - last.startedAt.getTime() < RUN_LOST_AFTER_MS) return;
    await this.verify(`every-${settings.verifyEveryMs}-${Math.floor(now / settings.verifyEveryMs)}`);
  }

  async status(): Promise<BackupStatus> {
    const settings = this.deps.settings;
    const [backups, verifications] = await Promise.all([this.deps.runs.latest('backup'), this.deps.runs.latest('verify')]);
    const out: BackupStatus = {
      status: 'ok',
      problems: [],
      lastBackup: view(backups.last),
      lastGoodBackup: view(backups.lastSucceeded),
      lastVerification: view(verifications.last),
      lastGoodVerification: view(verifications.lastSucceeded),
    };
    if (!settings) return { ...out, status: 'off', problems: ['backups are not configured (BACKUP_DIR, BACKUP_COPY_DIR, BACKUP_RECIPIENT)'] };
    const now = this.deps.clock().getTime();
    const failed = (r: BackupRun | null) => r && (r.state === 'failed' || (r.state === 'running' && now - r.startedAt.getTime() > RUN_LOST_AFTER_MS));
    if (failed(backups.last)) out.problems.push(`the last backup failed: ${backups.last!.detail ?? 'it never finished'}`);
    if (failed(verifications.last)) out.problems.push(`the last verification failed: ${verifications.last!.detail ?? 'it never finished'}`);
    if (out.problems.length) out.status = 'failed';
    // Late: nothing good for two periods, counted from the last good run or, before any, from this process's start.
    const lateSince = (good: BackupRun | null) => (good?.startedAt ?? this.since).getTime();
    const late: string[] = [];
    if (settings.everyMs > 0 && now - lateSince(backups.lastSucceeded) > 2 * settings.everyMs) late.push('no good backup for two periods');
    if (settings.verifyEveryMs > 0 && now - lateSince(verifications.lastSucceeded) > 2 * settings.verifyEveryMs)
      late.push('no passed verification for two periods');
    if (late.length) {
      out.problems.push(...late);
      if (out.status === 'ok') out.status = 'overdue';
    }
    return out;
  }

  private required(): BackupSettings {
    if (!this.deps.settings) throw new Error('backups are not configured: set BACKUP_DIR, BACKUP_COPY_DIR and BACKUP_RECIPIENT');
    return this.deps.settings;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { engines, type Engine } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import { latestManifest, NotEmptyError, restoreBackup } from '../../server/backups/module';
import { ageKeyPair, readAllRows, type TableRows } from './support';
import { fillRegister } from './fill';

/*
 * The register backed up while citizens' SMS keep arriving, restored into a fresh database: every
 * row committed before the backup began comes back byte for byte, the restore matches the manifest
 * taken inside the snapshot, and the server starts on it.
 */

const SMS = '/webhooks/twilio/sms';
const form = (from: string, body: string): Record<string, string> => ({
  MessageSid: smsSid(),
  AccountSid: STANDIN_ACCOUNT_SID,
  From: from,
  To: '+4759440002',
  Body: body,
  NumMedia: '0',
  SmsStatus: 'received',
  ApiVersion: '2010-04-01',
});

/**
 * Tables the fill leaves empty, each for a reason: the IMAP watcher's cursor (no mailbox here), a
 * caller's case-status verification, the locality search words (built on demand), overdue-tax
 * reminders and a series' occurrences (made by timers later), the audit purge's permit (it exists only
 * inside a purge's own transaction). Every other table must hold rows
 * before the backup, so the comparison covers every kind of record; a new table fails here until
 * the fill writes it or it is named with its reason.
 */
const NOT_FILLED = [
  'mail_cursors',
  'phone_verifications',
  'address_locality_words',
  'reminder_overdue_payments',
  'sms_series_occurrences',
  'audit_purge_permits',
];
/**
 * Rows the running server itself rewrites while the test goes on (the journal's number series,
 * delivery attempts to the unreachable archive, the job queue, counters): a row changed after the
 * first read may come back in its later, committed form, so those are compared only where untouched.
 */
const REWRITTEN_WHILE_RUNNING = ['journal_counters', 'journal_entries', 'jobs', 'rate_limits', 'sms_daily_counts'];

describe.each(engines())('encrypted backup and restore on $name', (engine: Engine) => {
  const keys = ageKeyPair();
  let s: TestServer;
  let tokens: { admin: string; officer: string };
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  const extraDbs: { url: string; drop(): Promise<void> }[] = [];
  const freshDb = async () => {
    const d = await engine.create();
    extraDbs.push(d);
    return d;
  };

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    const scratch = engine.name === 'mariadb' ? await freshDb() : null;
    s = await startServer(engine, {
      env: {
        ...standin.env,
        BACKUP_DIR: path.join(keys.dir, 'backups'),
        BACKUP_COPY_DIR: path.join(keys.dir, 'backup-server'),
        BACKUP_RECIPIENT: keys.recipient,
        BACKUP_IDENTITY_FILE: keys.identityFile,
        ...(scratch && { BACKUP_VERIFY_DATABASE_URL: scratch.url }),
      },
      backups: { tickMs: 3600_000 },
    });
    tokens = await fillRegister(s, standin);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await standin?.close();
    for (const d of extraDbs) await d.drop();
    fs.rmSync(keys.dir, { recursive: true, force: true });
  });

  it('restores byte-identical rows for everything committed before the backup began, while SMS keep arriving, and the server starts on it', async () => {
    const { admin, officer } = tokens;
    // An officer's send and a case from the case system.
    expect(
      (await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791222004', body: 'Vannet er stengt i dag', from: '+4759440002' } })).status,
    ).toBe(201);
    const put = await s.api('PUT', '/api/cases/2026-900', {
      token: admin,
      body: { title: 'Byggesøknad', status: 'Under behandling', department: 'helse', contacts: [{ name: 'Åse Øvre', phone: '+4791234000' }] },
    });
    expect(put.status).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await postSignedForm(s.url, SMS, form(`+479170${String(i).padStart(4, '0')}`, `Før sikkerhetskopi ${i} – æøå 😀`))).status).toBe(200);
    await s.app.backups.service.backup();

    // Citizens keep writing from new numbers while the backup runs; each answer's time is noted.
    const answered: { sid: string; at: number }[] = [];
    let stop = false;
    let n = 0;
    const traffic = (async () => {
      while (!stop) {
        const f = form(`+479180${String(n++).padStart(4, '0')}`, `Under sikkerhetskopi ${n}`);
        const r = await postSignedForm(s.url, SMS, f);
        expect(r.status).toBe(200);
        answered.push({ sid: f.MessageSid, at: Date.now() });
      }
    })();
    while (answered.length < 10) await new Promise((r) => setTimeout(r, 20));
    const pre = await readAllRows(s.database.url);
    const startedAt = Date.now();
    const run = await s.app.backups.service.backup();
    const endedAt = Date.now();
    const during = answered.filter((a) => a.at > startedAt && a.at < endedAt).length;
    while (answered.filter((a) => a.at > endedAt).length < 3) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await traffic;
    expect(run?.state).toBe('succeeded');
    expect(during).toBeGreaterThan(0);

    const empty = [...pre].filter(([, rows]) => rows.size === 0).map(([t]) => t);
    expect(empty.sort()).toEqual([...NOT_FILLED].sort());

    const manifestFile = latestManifest(path.join(keys.dir, 'backup-server'))!;
    expect(path.basename(manifestFile)).toBe(`${run!.backupId}.manifest.json`);
    // The manifest names tables and counts only: no citizen's words or numbers.
    const manifestText = fs.readFileSync(manifestFile, 'utf8');
    expect(manifestText).not.toMatch(/sikkerhetskopi|Byggesøknad|\+47|91700/);
    // Nor is anything readable in the encrypted file.
    expect(fs.readFileSync(manifestFile.replace('.manifest.json', '.age')).includes(Buffer.from('sikkerhetskopi'))).toBe(false);

    const target = await freshDb();
    const restored = await restoreBackup({ manifestFile, identityFile: keys.identityFile, targetUrl: target.url });
    expect(restored.problems).toEqual([]);

    const back = await readAllRows(target.url);
    const changedDuringBackup = changedTables(pre, await readAllRows(s.database.url));
    expect([...changedDuringBackup.keys()].filter((t) => !REWRITTEN_WHILE_RUNNING.includes(t))).toEqual([]);
    for (const [table, rows] of pre) {
      const got = back.get(table);
      expect([table, got !== undefined]).toEqual([table, true]);
      for (const [key, row] of rows) {
        // A row the traffic itself rewrote after this read may come back in its later, committed form.
        if (changedDuringBackup.get(table)?.has(key)) continue;
        expect([table, key, got!.get(key)]).toEqual([table, key, row]);
      }
    }
    // Every SMS answered before the backup began is in the restore.
    const sids = new Set([...back.get('messages')!.values()].map((r) => (JSON.parse(r) as unknown[]).find((v) => typeof v === 'string' && v.startsWith('SM'))));
    for (const a of answered.filter((x) => x.at < startedAt)) expect([a.sid, sids.has(a.sid)]).toEqual([a.sid, true]);

    // The server starts on the restored database and answers.
    const again = await startServer(engine, { database: target, keepDatabase: true });
    try {
      const health = await again.api('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      expect(await again.count('messages')).toBe(back.get('messages')!.size);
      const login = await again.api('POST', '/api/auth/login', { body: { email: 'admin@kommune.no', password: 'correct-horse-battery' } });
      // The admin's account came back with its TOTP enrolment: the password is right, the code is asked for.
      expect([login.status, login.body.error?.code]).toEqual([401, 'totp_required']);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('refuses to restore into a database that is not empty, and leaves it as it was', async () => {
    const manifestFile = latestManifest(path.join(keys.dir, 'backup-server'))!;
    const before = await s.count('messages');
    await expect(restoreBackup({ manifestFile, identityFile: keys.identityFile, targetUrl: s.database.url })).rejects.toThrow(NotEmptyError);
    await expect(restoreBackup({ manifestFile, identityFile: keys.identityFile, targetUrl: s.database.url })).rejects.toThrow(/not empty/);
    expect(await s.count('messages')).toBe(before);
  });
});

/** Rows whose content differs between two reads (or vanished): what the traffic rewrote. */
function changedTables(a: TableRows, b: TableRows): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [table, rows] of a) {
    const later = b.get(table) ?? new Map<string, string>();
    for (const [key, row] of rows)
      if (later.get(key) !== row) {
        if (!out.has(table)) out.set(table, new Set());
        out.get(table)!.add(key);
      }
  }
  return out;
}

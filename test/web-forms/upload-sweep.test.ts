import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UploadDir } from '../../server/web-forms/multipart';
import { sweepUploads, UPLOAD_STALE_AFTER_MS } from '../../server/web-forms/upload-sweep';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer } from '../support/server';

/*
 * Upload folders a crashed process left in the temporary directory are removed at start and
 * hourly after; a live process's folder, and anything that is not an upload folder, stays.
 */

const HOUR = 3_600_000;

describe('sweeping left-over upload folders', () => {
  let base: string;
  beforeEach(() => (base = fs.mkdtempSync(path.join(os.tmpdir(), 'st-sweep-'))));
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  /** A folder (with a citizen's file in it) last touched `ageMs` ago. */
  const folder = (name: string, ageMs: number) => {
    const p = path.join(base, name);
    fs.mkdirSync(p);
    fs.writeFileSync(path.join(p, 'a1b2'), 'søknad');
    const t = (Date.now() - ageMs) / 1000;
    fs.utimesSync(path.join(p, 'a1b2'), t, t);
    fs.utimesSync(p, t, t);
    return p;
  };

  it('removes stale upload folders and stale files in its own, keeps fresh ones, its own and other folders', async () => {
    const crashed = folder('servicetorg-uploads-crashed', UPLOAD_STALE_AFTER_MS + HOUR);
    const live = folder('servicetorg-uploads-live', HOUR / 2);
    const other = folder('someone-elses', UPLOAD_STALE_AFTER_MS + HOUR);
    const own = UploadDir.create(base);
    const leftover = own.newFile();
    fs.writeFileSync(leftover, 'x');
    const old = (Date.now() - UPLOAD_STALE_AFTER_MS - HOUR) / 1000;
    fs.utimesSync(leftover, old, old);
    const current = own.newFile();
    fs.writeFileSync(current, 'y');
    // Our own folder old as well: it is kept, and made fresh for the others' sweeps.
    fs.utimesSync(own.path, old, old);

    expect((await sweepUploads(own)).sort()).toEqual([crashed, leftover].sort());
    expect(fs.existsSync(crashed)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.readdirSync(own.path)).toEqual([path.basename(current)]);
    expect(Date.now() - fs.statSync(own.path).mtimeMs).toBeLessThan(60_000);
  });

  it('never follows a link named like an upload folder', async () => {
    const target = folder('kept', UPLOAD_STALE_AFTER_MS + HOUR);
    const link = path.join(base, 'servicetorg-uploads-link');
    fs.symlinkSync(target, link);
    const t = (Date.now() - UPLOAD_STALE_AFTER_MS - HOUR) / 1000;
    fs.lutimesSync(link, t, t);
    await sweepUploads(UploadDir.create(base));
    expect(fs.readdirSync(target)).toEqual(['a1b2']);
  });

  it('runs when the server starts', async () => {
    const crashed = folder('servicetorg-uploads-crashed', UPLOAD_STALE_AFTER_MS + HOUR);
    const s = await startServer(engines()[0], { web: { uploadDir: base } });
    try {
      await eventually(() => (fs.existsSync(crashed) ? null : true), 'the crashed process’s folder removed');
      expect(fs.existsSync(s.app.webForms!.uploads.path)).toBe(true);
    } finally {
      await s.close();
    }
  });
});

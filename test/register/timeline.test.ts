import { engines } from '../support/engines';
import { startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * An inquiry's timeline is read in pages, newest first, each page oldest first, with bodies as
 * previews; a whole body (up to a million characters) and its HTML come from GET /api/messages/:id.
 */

type Item = { id: number; body: string; bodyTruncated: boolean; bodyHtml: string | null; hasHtml: boolean };

describe.each(engines())('the inquiry timeline on $name', (engine) => {
  let s: TestServer;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let agent: string;
  let outsider: string;
  let inquiryId: number;
  const ids: number[] = [];
  const huge = 'x'.repeat(999_990) + 'slutten';
  const html = `<p>${'y'.repeat(100_000)}</p>`;
  const emoji = '😀'.repeat(4100);

  beforeAll(async () => {
    ({ s, record } = await startRegisterServer(engine));
    agent = (await s.user('agent@kommune.no', 'agent', ['sosial'])).token;
    outsider = (await s.user('teknisk@kommune.no', 'agent', ['teknisk'])).token;
    const first = await record({
      channel: 'email',
      externalId: '<tl-0@x.no>',
      from: { email: 'kari@x.no' },
      departmentCode: 'sosial',
      body: huge,
      bodyHtml: html,
    });
    inquiryId = first.inquiry.id;
    ids.push(first.message.id);
    ids.push((await record({ channel: 'email', externalId: '<tl-1@x.no>', from: { email: 'kari@x.no' }, thread: { inquiryId }, body: emoji })).message.id);
    for (let i = 2; i < 121; i++) {
      const r = await record({
        channel: 'email',
        externalId: `<tl-${i}@x.no>`,
        from: { email: 'kari@x.no' },
        thread: { inquiryId },
        body: `Melding ${i}`,
        bodyHtml: `<p>Melding ${i}</p>`,
      });
      ids.push(r.message.id);
    }
  }, 120_000);
  afterAll(() => s.close());

  it('gives the newest 50 with the inquiry and the rest in older pages, each oldest first, until nextCursor is null', async () => {
    const detail = await s.api('GET', `/api/inquiries/${inquiryId}`, { token: agent });
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((x: Item) => x.id)).toEqual(ids.slice(-50));
    expect(detail.body.timelineCursor).toEqual(expect.any(String));
    expect(detail.body.timeline.at(-1)).toMatchObject({ body: 'Melding 120', bodyTruncated: false, bodyHtml: '<p>Melding 120</p>', hasHtml: true });

    const second = await s.api('GET', `/api/inquiries/${inquiryId}/timeline?cursor=${detail.body.timelineCursor}`, { token: agent });
    expect(second.status).toBe(200);
    expect(second.body.items.map((x: Item) => x.id)).toEqual(ids.slice(-100, -50));
    const third = await s.api('GET', `/api/inquiries/${inquiryId}/timeline?cursor=${second.body.nextCursor}&limit=200`, { token: agent });
    expect(third.body.items.map((x: Item) => x.id)).toEqual(ids.slice(0, -100));
    expect(third.body.nextCursor).toBeNull();
    const small = await s.api('GET', `/api/inquiries/${inquiryId}/timeline?cursor=${second.body.nextCursor}&limit=2`, { token: agent });
    expect(small.body.items.map((x: Item) => x.id)).toEqual(ids.slice(-102, -100));
  });

  it('carries a bounded preview of each body and leaves large HTML to GET /api/messages/:id', async () => {
    const page = await s.api('GET', `/api/inquiries/${inquiryId}/timeline?cursor=${Buffer.from(`i:${ids[2]}`).toString('base64url')}`, { token: agent });
    const [big, smiles] = page.body.items as Item[];
    expect(big).toMatchObject({ id: ids[0], bodyTruncated: true, bodyHtml: null, hasHtml: true });
    expect(big.body).toBe('x'.repeat(4000));
    // 4,000 characters, each an emoji of two UTF-16 units, none of them cut in half.
    expect(smiles).toMatchObject({ id: ids[1], bodyTruncated: true, hasHtml: false, bodyHtml: null });
    expect(smiles.body).toBe('😀'.repeat(4000));
    expect(JSON.stringify(page.body).length).toBeLessThan(30_000);

    const whole = await s.api('GET', `/api/messages/${ids[0]}`, { token: agent });
    expect(whole.body.body).toBe(huge);
    expect(whole.body.bodyHtml).toBe(html);
  });

  it('refuses a bad cursor or limit with 400 and hides another department’s inquiry', async () => {
    for (const q of ['cursor=nonsense', 'limit=0', 'limit=501', 'other=1']) {
      const r = await s.api('GET', `/api/inquiries/${inquiryId}/timeline?${q}`, { token: agent });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toEqual(expect.any(String));
    }
    expect((await s.api('GET', `/api/inquiries/${inquiryId}/timeline`, { token: outsider })).status).toBe(404);
    expect((await s.api('GET', `/api/inquiries/999999/timeline`, { token: agent })).status).toBe(404);
  });

  it('audits reading an older page as a read of the inquiry', async () => {
    const before = (await s.app.audit.forEntity('inquiry', inquiryId)).length;
    await s.api('GET', `/api/inquiries/${inquiryId}/timeline`, { token: agent });
    expect((await s.app.audit.forEntity('inquiry', inquiryId)).length).toBe(before + 1);
  });
});

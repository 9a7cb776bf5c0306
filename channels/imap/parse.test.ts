import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { liveMarkup } from '../../test/support/xss';
import { megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { classifyMail } from './auto-reply';
import { normaliseMessageId, referencedMessageIds } from '../mail-format/message-id';
import { MAX_BODY_CHARS, parseMail, type ParsedInboundMail } from './parse';
import { sniffHeaders } from './sniff';
import { extractTags, replySubject } from '../mail-format/case-tag';

const own = new Set(['byggesak@kommune.test', 'helse@kommune.test']);
const receivedAt = new Date('2026-03-10T08:15:02Z');

async function fixture(name: string): Promise<ParsedInboundMail | null> {
  const raw = fs.readFileSync(path.join(__dirname, 'fixtures', name));
  const mail = await simpleParser(raw);
  return parseMail(mail, { receivedAt, sourceSha256: createHash('sha256').update(raw).digest('hex'), ownAddresses: own, mailboxAddress: 'post@kommune.test' });
}

function message(p: ParsedInboundMail | null) {
  if (!p || p.kind === 'bounce') throw new Error(`expected a message, got ${p?.kind}`);
  return p;
}

describe('parseMail', () => {
  it('turns a plain mail into an inbound contact addressed to the department mailbox', async () => {
    const p = message(await fixture('plain.eml'));
    expect(p.kind).toBe('message');
    expect(p.contact).toMatchObject({
      channel: 'email',
      externalId: 'CAB123.plain@innbygger.test',
      from: { email: 'kari.nordmann@innbygger.test', name: 'Kari Nordmann' },
      to: 'byggesak@kommune.test',
      subject: 'Søknad om tilbygg',
      bodyHtml: null,
      receivedAt,
    });
    expect(p.contact.body).toMatch(/^Hei, jeg lurer på/);
    expect(p.threadIds).toEqual([]);
    expect(p.noAutoResponse).toBe(false);
  });

  it('collects In-Reply-To and References ids, newest first, for threading', async () => {
    const p = message(await fixture('reply.eml'));
    expect(p.threadIds).toEqual(['st.41.abcdef@kommune.test', 'CAB123.plain@innbygger.test']);
  });

  it('reads the inquiry and case tags from the subject', async () => {
    const p = message(await fixture('tagged.eml'));
    expect(p.tags).toEqual({ inquiryId: 77, caseNumber: '2026/1234' });
    expect(p.contact.thread).toEqual({ caseNumber: '2026/1234' });
  });

  it('gives a mail without Message-ID a stable id from its content', async () => {
    const a = message(await fixture('no-message-id.eml'));
    const b = message(await fixture('no-message-id.eml'));
    expect(a.contact.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.contact.externalId).toBe(b.contact.externalId);
    expect(a.contact.to).toBe('helse@kommune.test');
  });

  it('keeps attachments with their type and size', async () => {
    const p = message(await fixture('attachment.eml'));
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]).toMatchObject({ filename: 'soknad.pdf', contentType: 'application/pdf', size: 78, inline: false });
    expect(p.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it.each([
    ['auto-submitted.eml', 'Auto-Submitted: auto-replied'],
    ['precedence-bulk.eml', 'Precedence: bulk'],
    ['x-autoreply.eml', 'x-autoreply'],
  ])('recognises %s as automatic (%s)', async (name, reason) => {
    const p = message(await fixture(name));
    expect(p.kind).toBe('auto-reply');
    expect(p.autoReason).toBe(reason);
    expect(p.noAutoResponse).toBe(true);
  });

  it('reads a delivery report: the original Message-ID, recipient and the server’s reason', async () => {
    const p = await fixture('bounce.eml');
    expect(p).toEqual({
      kind: 'bounce',
      externalId: 'bounce-7@mx.innbygger.test',
      report: {
        originalMessageIds: ['st.55.ffee00@kommune.test'],
        recipient: 'nobody@innbygger.test',
        status: '5.1.1',
        action: 'failed',
        diagnostic: '550 5.1.1 <nobody@innbygger.test>: Recipient address rejected: User unknown',
      },
    });
  });

  it('leaves no live markup in the XSS corpus: html sanitised, text, subject and name inert', async () => {
    const p = message(await fixture('xss.eml'));
    const everything = JSON.stringify(p.contact);
    expect(liveMarkup(everything)).toEqual([]);
    expect(everything).not.toMatch(/javascript:|expression\s*\(/i);
    expect(p.contact.bodyHtml).toContain('<b>der</b>');
    expect(p.contact.bodyHtml).toContain('<a href="https://kommune.test/side" rel="noopener noreferrer nofollow" target="_blank">trygg lenke</a>');
    expect(p.contact.bodyHtml).toContain('Slutt');
    expect(p.contact.body).toBe('Plain &lt;script>alert("plain")&lt;/script> version');
    expect(p.contact.subject).toBe('&lt;img src=x onerror=alert(1)> Hjelp');
  });
});

describe('classifyMail', () => {
  it('treats a person’s mail as a person’s, Auto-Submitted: no included', () => {
    expect(classifyMail({ 'auto-submitted': 'no', subject: 'Hei' }, 'a@b.test')).toEqual({ kind: 'person' });
  });
  it('treats list mail, null senders and mailer daemons as automatic', () => {
    expect(classifyMail({ 'list-id': '<x.lists.test>' }, 'a@b.test').kind).toBe('auto-reply');
    expect(classifyMail({ 'return-path': '<>' }, 'a@b.test').kind).toBe('auto-reply');
    expect(classifyMail({}, 'MAILER-DAEMON@mx.test').kind).toBe('auto-reply');
    expect(classifyMail({ precedence: 'junk' }, 'a@b.test').kind).toBe('auto-reply');
  });
});

describe('subject tags and Message-IDs', () => {
  it('extracts tags in their common spellings and ignores look-alikes', () => {
    expect(extractTags('Re: Vedtak [#123]')).toEqual({ inquiryId: 123 });
    expect(extractTags('[Saksnr 2026-1234] svar')).toEqual({ caseNumber: '2026/1234' });
    expect(extractTags('[sak: 26/01234]')).toEqual({ caseNumber: '26/01234' });
    expect(extractTags('#123 and Sak 2026/1 without brackets')).toEqual({});
    expect(extractTags(null)).toEqual({});
  });
  it('builds reply subjects with one Re: and one tag', () => {
    expect(replySubject('Søknad', 5)).toBe('Re: Søknad [#5]');
    expect(replySubject('SV: Søknad [#5]', 5)).toBe('SV: Søknad [#5]');
    expect(replySubject(null, 9)).toBe('Re: Henvendelse [#9]');
  });
  it('normalises ids and hashes overlong ones', () => {
    expect(normaliseMessageId(' <a@b> ')).toBe('a@b');
    expect(normaliseMessageId('')).toBeNull();
    expect(normaliseMessageId(`<${'x'.repeat(300)}@b>`)).toMatch(/^sha256:/);
    expect(referencedMessageIds('<c@d>', ['<a@b>', '<c@d>'])).toEqual(['c@d', 'a@b']);
  });
});

describe('sniffHeaders', () => {
  it('finds the sender and whether the mail answers another, from the raw header block only', () => {
    expect(sniffHeaders(Buffer.from('From: "Kari, N" <Kari@Innbygger.test>\r\nSubject: x\r\n\r\nIn-Reply-To: <not-a-header>'))).toEqual({
      sender: 'kari@innbygger.test',
      answers: false,
    });
    expect(sniffHeaders(Buffer.from('From: per@innbygger.test\r\nReferences:\r\n <a@b>\r\n\r\nbody'))).toEqual({ sender: 'per@innbygger.test', answers: true });
    expect(sniffHeaders(Buffer.from('Subject: none\r\n\r\n'))).toEqual({ sender: '', answers: false });
  });
});

describe('parseMail on hostile mail', () => {
  it.each(['<', '<a', '<br', '>', ' ', '\n\n\n<p>', '&lt;'])('reads a megabyte of %j as HTML at once', async (piece) => {
    const raw = Buffer.from(
      `From: kari@innbygger.test\r\nTo: byggesak@kommune.test\r\nSubject: [sak${' '.repeat(5000)}\r\nMessage-ID: <big@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${megabyteOf(piece, 'slutt')}`,
    );
    const mail = await simpleParser(raw);
    const { result, ms } = timed(() =>
      parseMail(mail, { receivedAt, sourceSha256: createHash('sha256').update(raw).digest('hex'), ownAddresses: own, mailboxAddress: 'post@kommune.test' }),
    );
    // sanitize-html's own linear pass takes up to a second on a megabyte here; a quadratic pattern would take minutes.
    expect(ms).toBeLessThan(10 * TIME_LIMIT_MS);
    expect(message(result).contact.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(message(result).tags).toEqual({});
  });
});

import { Router, type Request } from 'express';
import { z } from 'zod';
import { DELIVERY_STATES, JOURNAL_RULE_KINDS, type JournalEntry } from './entities';
import { notFound } from '../core/errors';
import { assertRecords, type JournalService } from './journal.service';
import { decodeCursor, encodeCursor } from '../core/http/cursors';
import { actorOf, routeOf } from '../core/http/require-auth';
import { fromDate, idParam, pageLimit, toDate } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';

/* The journal for the records role: rules, archive target, posts, dead letters and the Noark 5 export. */

const rule = z
  .object({ kind: z.enum(JOURNAL_RULE_KINDS), value: z.string().trim().min(1).max(191).nullable().optional() })
  .strict()
  .refine((r) => (r.kind === 'department' || r.kind === 'keyword' ? Boolean(r.value) : !r.value), {
    message: 'department and keyword rules name a value; all and case rules do not',
  });
export const rulesBody = z.object({ rules: z.array(rule).min(1).max(100) }).strict();

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** HTTPS only, except to this machine (an archive gateway beside the server, or a test stand-in). */
const pushUrl = z
  .string()
  .url()
  .max(500)
  .refine((v) => {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  }, 'must be an https:// URL (http:// only to 127.0.0.1 or localhost)');
export const archiveBody = z.object({ pushUrl: pushUrl.nullable(), token: z.string().min(8).max(500).nullable().optional() }).strict();

export const exportQuery = z
  .object({ from: fromDate, to: toDate })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 367 * 24 * 3600_000, { message: 'export at most a year at a time', path: ['to'] });
export const entryQuery = z
  .object({
    state: z.enum(DELIVERY_STATES).optional(),
    from: fromDate.optional(),
    to: toDate.optional(),
    cursor: z.string().max(100).optional(),
    limit: pageLimit.optional(),
  })
  .strict();

const view = (e: JournalEntry) => ({
  id: e.id,
  systemID: e.systemId,
  journalaar: e.journalYear,
  journalsekvensnummer: e.journalSeq,
  journalpostnummer: e.postNumber,
  journalposttype: e.direction,
  journaldato: e.journalDate,
  dokumentetsDato: e.documentDate,
  channel: e.channel,
  messageId: e.messageId,
  caseNumber: e.caseNumber,
  korrespondansepart: { navn: e.partyName, adresse: e.partyAddress },
  title: e.title,
  sha256: e.checksum,
  deliveryState: e.deliveryState,
  attempts: e.attempts,
  lastError: e.lastError,
  deliveredAt: e.deliveredAt,
});

export function journalRoutes(deps: { journal: JournalService }): Router {
  const r = Router();
  const j = deps.journal;

  r.get('/journal/rules', async (_req, res) => {
    assertRecords(actorOf(res));
    res.json({ rules: await j.rules() });
  });

  r.put('/journal/rules', async (req, res) => {
    const body = parse(rulesBody, req.body);
    res.json({
      rules: await j.setRules(
        actorOf(res),
        body.rules.map((x) => ({ kind: x.kind, value: x.value ?? null })),
        routeOf(req),
      ),
    });
  });

  r.get('/journal/archive', async (_req, res) => {
    res.json(await j.archive(actorOf(res)));
  });

  r.put('/journal/archive', async (req, res) => {
    res.json(await j.setArchive(actorOf(res), parse(archiveBody, req.body), routeOf(req)));
  });

  const list = async (req: Request, actor: Parameters<JournalService['entries']>[0], q: z.infer<typeof entryQuery>) => {
    const limit = q.limit ?? 100;
    const rows = await j.entries(
      actor,
      {
        states: q.state ? [q.state] : undefined,
        from: q.from,
        to: q.to,
        beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit: limit + 1,
      },
      routeOf(req),
      req.ip,
    );
    const page = rows.slice(0, limit);
    return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  };

  r.get('/journal/entries', async (req, res) => {
    res.json(await list(req, actorOf(res), parse(entryQuery, req.query, 'query')));
  });

  r.get('/journal/dead-letters', async (req, res) => {
    const q = parse(entryQuery.omit({ state: true }), req.query, 'query');
    res.json(await list(req, actorOf(res), { ...q, state: 'dead' }));
  });

  r.post('/journal/dead-letters/:id/retry', async (req, res) => {
    const entry = await j.retry(actorOf(res), parse(idParam, req.params.id, 'entry id'), routeOf(req));
    if (!entry) throw notFound('Dead letter');
    res.json(view(entry));
  });

  r.get('/journal/export', async (req, res) => {
    const q = parse(exportQuery, req.query, 'query');
    const xml = await j.exportXml(actorOf(res), q.from, q.to, routeOf(req), req.ip);
    res.setHeader('content-type', 'application/xml; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="arkivstruktur.xml"');
    res.send(xml);
  });

  /** The document a post's dokumentobjekt names (dokumenter/<systemID>.txt in the extract). */
  r.get('/journal/entries/:id/document', async (req, res) => {
    const entry = await j.entry(actorOf(res), parse(idParam, req.params.id, 'entry id'), routeOf(req), req.ip);
    if (!entry) throw notFound('Journal post');
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('x-checksum-sha256', entry.checksum);
    res.send(entry.body);
  });

  return r;
}

export const journalRouteDocs = describeRoutes('journal', 'bearer', [
  ['GET /api/journal/rules', 'What is journaled (typically everything)', { roles: 'records, admin' }],
  ['PUT /api/journal/rules', 'Replaces the journal rules', { roles: 'records, admin', body: rulesBody }],
  ['GET /api/journal/archive', 'Where journal posts are pushed (the token is never shown)', { roles: 'records, admin' }],
  ['PUT /api/journal/archive', 'Sets the archive push URL and token', { roles: 'records, admin', body: archiveBody }],
  ['GET /api/journal/entries', 'Journal posts, newest first: {items, nextCursor}', { roles: 'records, admin', query: entryQuery }],
  ['GET /api/journal/dead-letters', 'Posts the archive refused or never took', { roles: 'records, admin', query: entryQuery.omit({ state: true }) }],
  ['POST /api/journal/dead-letters/:id/retry', 'Delivers a dead post again', { roles: 'records, admin', params: { id: idParam } }],
  [
    'GET /api/journal/export',
    'Noark 5 arkivstruktur.xml for a period of at most a year',
    { roles: 'records, admin', query: exportQuery, response: { type: 'application/xml' } },
  ],
  [
    'GET /api/journal/entries/:id/document',
    "One post's document as journaled",
    { roles: 'records, admin', params: { id: idParam }, response: { type: 'text/plain' } },
  ],
]);

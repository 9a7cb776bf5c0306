import { Router } from 'express';
import { z } from 'zod';
import { actorOf, routeOf } from '../core/http/require-auth';
import { email, idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { CitizenRights } from './citizen.service';
import { renderExport } from './citizen.render';
import { EXPORT_LANGS, exportLangOf } from './citizen.texts';

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();
export const findQuery = z.object({ q: z.string().trim().min(2).max(191) }).strict();
export const htmlQuery = z.object({ lang: z.enum(EXPORT_LANGS).optional() }).strict();
export const correctionBody = z
  .object({
    name: z.string().trim().min(1).max(191).optional(),
    address: nullableText(255),
    postalCode: nullableText(16),
    city: nullableText(128),
    language: z.string().trim().min(2).max(8).nullable().optional(),
    addPhones: z.array(z.string().trim().min(3).max(40)).max(10).optional(),
    removePhones: z.array(z.string().trim().min(3).max(40)).max(10).optional(),
    addEmails: z.array(email).max(10).optional(),
    removeEmails: z.array(email).max(10).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one change' });
export const erasureBody = z.object({ confirm: z.string().regex(/^[0-9a-f]{32}$/, 'the token of the preview') }).strict();

/** The citizen's rights under /api/records/citizens, for the records role (and admin). */
export function citizenRoutes(deps: { rights: CitizenRights }): Router {
  const r = Router();
  const where = (req: Parameters<typeof routeOf>[0]) => ({ route: routeOf(req), ip: req.ip });
  r.get('/records/citizens', async (req, res) => {
    res.json(await deps.rights.find(actorOf(res), parse(findQuery, req.query, 'query').q, where(req)));
  });
  r.get('/records/citizens/:id/export', async (req, res) => {
    const data = await deps.rights.export(actorOf(res), parse(idParam, req.params.id, 'contact id'), where(req));
    res.setHeader('content-disposition', `attachment; filename="citizen-${Number(data.contact.id)}.json"`);
    res.json(data);
  });
  r.get('/records/citizens/:id/export.html', async (req, res) => {
    const id = parse(idParam, req.params.id, 'contact id');
    const q = parse(htmlQuery, req.query, 'query');
    const data = await deps.rights.export(actorOf(res), id, where(req));
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('content-disposition', `attachment; filename="citizen-${id}.html"`);
    res.send(renderExport(data, q.lang ?? exportLangOf(data.contact.language as string | null)));
  });
  r.patch('/records/citizens/:id', async (req, res) => {
    const id = parse(idParam, req.params.id, 'contact id');
    res.json(await deps.rights.correct(actorOf(res), id, parse(correctionBody, req.body), where(req)));
  });
  r.get('/records/citizens/:id/erasure', async (req, res) => {
    res.json(await deps.rights.erasurePreview(actorOf(res), parse(idParam, req.params.id, 'contact id'), where(req)));
  });
  r.post('/records/citizens/:id/erasure', async (req, res) => {
    const id = parse(idParam, req.params.id, 'contact id');
    res.json(await deps.rights.erase(actorOf(res), id, parse(erasureBody, req.body).confirm, where(req)));
  });
  return r;
}

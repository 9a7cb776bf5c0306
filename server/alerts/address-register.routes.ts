import { Router } from 'express';
import { z } from 'zod';
import { assertMay } from '../core/access';
import { AppError, badRequest } from '../core/errors';
import { clientKey, type RateLimiter } from '../core/rate-limits';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam, text } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { readBody } from './address-register-csv';
import { FORMATS } from './address-register-files';
import type { AddressRegisterService } from './address-register.service';
import type { AlertCategoryService } from './categories';
import { describeRoutes } from '../core/http/openapi';

/*
 * POST /api/address-register/import (admin), PUT /api/alert-categories/:code (admin, officer), and
 * the public lists residents pick from: GET /public/alerts/localities, /streets and /categories.
 */

const columnName = z.string().trim().min(1).max(64);
const importQuery = z
  .object({
    format: z.enum(FORMATS, { message: `format must be one of ${FORMATS.join(', ')}` }),
    locality: columnName.optional(),
    street: columnName.optional(),
    number: columnName.optional(),
    postcode: columnName.optional(),
    area: columnName.optional(),
  })
  .strict();

/** What someone types: bounded before it is folded; at most 50 answers. */
const typed = z.string().max(100).optional().default('');
const limit = z.coerce.number().int().min(1).max(50).optional().default(20);
const localityQuery = z.object({ q: typed, limit }).strict();
const streetQuery = z.object({ locality: idParam, q: typed, limit }).strict();
const categoryCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or hyphens, starting with a letter or digit');
const categoryBody = z.object({ name: text(128) }).strict();

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];

/**
 * Searches as you type are cheap one by one, but each reads the folded register: one client may
 * ask `perMinute` of them, counted after the input is checked (a refused request counts nothing).
 */
export interface SearchLimit {
  limiter: RateLimiter;
}

export function addressRegisterRoutes(deps: { register: AddressRegisterService; categories: AlertCategoryService; search: SearchLimit }) {
  const api = Router();
  const pub = Router();
  const withinLimit = async (ip: string | undefined) => {
    const verdict = await deps.search.limiter.consume(`search:${clientKey(ip ?? 'unknown')}`);
    if (!verdict.ok)
      throw new AppError(429, 'rate_limited', 'Too many searches from this address; try again shortly', undefined, {
        'Retry-After': String(verdict.retryAfterSec),
      });
  };

  api.post('/address-register/import', async (req, res) => {
    assertMay(actorOf(res), 'importAddressRegister', 'Only an administrator may import the address register');
    const query = parse(importQuery, req.query, 'query');
    if (query.format !== 'csv' && (query.locality || query.street || query.number || query.postcode || query.area))
      throw badRequest(`Column names (locality, street, number, postcode, area) are for format=csv; ${query.format} has fixed columns`);
    if (query.format === 'csv' && !query.locality) throw badRequest('format=csv needs locality=<the column with the locality name>');
    if (!req.is(CSV_TYPES)) throw badRequest('Send the file as the body with Content-Type: text/csv', { contentType: req.get('content-type') ?? null });
    const bytes = await readBody(req);
    const mapping =
      query.format === 'csv'
        ? { locality: query.locality as string, street: query.street, number: query.number, postcode: query.postcode, area: query.area }
        : null;
    const actor = actorOf(res);
    res.json(await deps.register.importFile(bytes, query.format, mapping, { userId: actor.id, route: routeOf(req), ip: req.ip }));
  });

  api.put('/alert-categories/:code', async (req, res) => {
    assertMay(actorOf(res), 'manageAlertCategories', 'Only an administrator or an officer may name alert categories');
    const code = parse(categoryCode, req.params.code, 'code');
    const { name } = parse(categoryBody, req.body);
    const actor = actorOf(res);
    const saved = await deps.categories.put(code, name, { userId: actor.id, route: routeOf(req), ip: req.ip });
    res.status(saved.created ? 201 : 200).json({ code: saved.code, name: saved.name });
  });

  pub.get('/public/alerts/localities', async (req, res) => {
    const q = parse(localityQuery, req.query, 'query');
    await withinLimit(req.ip);
    res.json({ items: await deps.register.localities(q.q, q.limit) });
  });

  pub.get('/public/alerts/streets', async (req, res) => {
    const q = parse(streetQuery, req.query, 'query');
    await withinLimit(req.ip);
    res.json({ items: await deps.register.streets(q.locality, q.q, q.limit) });
  });

  pub.get('/public/alerts/categories', async (_req, res) => {
    res.json({ items: await deps.categories.list() });
  });

  return { api, public: pub };
}

export const addressRegisterRouteDocs = describeRoutes('alerts', 'bearer', [
  ['POST /api/address-register/import', 'Imports the official address register from CSV', { roles: 'admin', query: importQuery, bodyType: 'text/csv' }],
  [
    'PUT /api/alert-categories/:code',
    'Creates or renames an interest category',
    { roles: 'admin, officer', params: { code: categoryCode }, body: categoryBody },
  ],
  ['GET /public/alerts/localities', 'Localities matching what a resident typed (case and diacritics ignored)', { auth: 'none', query: localityQuery }],
  ['GET /public/alerts/streets', 'Streets of a locality', { auth: 'none', query: streetQuery }],
  ['GET /public/alerts/categories', 'Interest categories', { auth: 'none' }],
]);

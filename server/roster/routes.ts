import { Router, type Request } from 'express';
import { z } from 'zod';
import { assertAdmin } from '../core/access';
import { AppError, badRequest } from '../core/errors';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';
import type { RosterAccounts } from './accounts.service';
import { ACCOUNT_MESSAGE_STATES } from './entities';
import type { RosterEmergencies } from './emergency.service';
import { MAX_ROSTER_BYTES, type RosterImportService } from './import.service';
import type { RosterPeopleService } from './people.service';
import { emergencyBody, externalIdParam, passwordResetBody, peopleQuery, personBody, unitCode, unitTextsBody, welcomeBody } from './schemas';

/*
 * /api/roster: people pushed by the administrative system (PUT, DELETE, CSV import with dry run),
 * browsing within one's units, welcome messages, units' texts and reset hooks, the log of account
 * messages, and the emergency message with its answers.
 */

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/octet-stream'];
const importQuery = z.object({ unit: unitCode, dryRun: z.enum(['true', 'false']).optional() }).strict();
const logQuery = z
  .object({
    kind: z.enum(['welcome', 'reset']).optional(),
    state: z.enum(ACCOUNT_MESSAGE_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const groupsQuery = z.object({ unit: unitCode.optional() }).strict();

async function readText(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new AppError(413, 'too_large', `At most ${max / 1024 / 1024} MB per import`, undefined, { connection: 'close' });
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > max) throw tooLarge();
    chunks.push(b);
  }
  const bytes = Buffer.concat(chunks);
  if (!bytes.length) throw badRequest('The file is empty');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The file is not UTF-8 text');
  }
}

export function rosterRoutes(deps: {
  people: RosterPeopleService;
  imports: RosterImportService;
  accounts: RosterAccounts;
  emergencies: RosterEmergencies | null;
}) {
  const r = Router();

  // The import reads its own body (text/csv), so it comes before anything that would read JSON.
  r.post('/roster/import', async (req, res) => {
    const q = parse(importQuery, req.query, 'query');
    if (!req.is(CSV_TYPES)) throw badRequest('Send the roster as the body with Content-Type: text/csv');
    const text = await readText(req, MAX_ROSTER_BYTES);
    res.json(await deps.imports.import(actorOf(res), q.unit, text, q.dryRun === 'true', routeOf(req)));
  });

  r.get('/roster/people', async (req, res) => {
    const q = parse(peopleQuery, req.query, 'query');
    res.json(
      await deps.people.list(actorOf(res), {
        ...q,
        ended: q.ended === undefined ? undefined : q.ended === 'true',
        cursor: q.cursor ? Number(q.cursor) : undefined,
      }),
    );
  });

  r.get('/roster/groups', async (req, res) => {
    const q = parse(groupsQuery, req.query, 'query');
    res.json(await deps.people.groups(actorOf(res), q.unit));
  });

  r.get('/roster/people/:externalId', async (req, res) => {
    res.json(await deps.people.get(actorOf(res), parse(externalIdParam, req.params.externalId, 'externalId')));
  });

  r.put('/roster/people/:externalId', async (req, res) => {
    const externalId = parse(externalIdParam, req.params.externalId, 'externalId');
    const body = parse(personBody, req.body);
    const out = await deps.people.put(actorOf(res), externalId, body, routeOf(req));
    res.status(out.created ? 201 : 200).json({ ...out.person, changed: out.changed });
  });

  r.delete('/roster/people/:externalId', async (req, res) => {
    await deps.people.remove(actorOf(res), parse(externalIdParam, req.params.externalId, 'externalId'), routeOf(req));
    res.status(204).end();
  });

  r.post('/roster/people/:externalId/welcome', async (req, res) => {
    const externalId = parse(externalIdParam, req.params.externalId, 'externalId');
    const body = parse(welcomeBody, req.body);
    res.status(202).json(await deps.accounts.welcome(actorOf(res), externalId, body, routeOf(req)));
  });

  r.get('/roster/units/:code', async (req, res) => {
    res.json(await deps.accounts.settings(actorOf(res), parse(unitCode, req.params.code, 'unit')));
  });

  // The admin sets a unit's texts (per language), as the issue says; the administrative system does not.
  r.put('/roster/units/:code/texts', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    const code = parse(unitCode, req.params.code, 'unit');
    const body = parse(unitTextsBody, req.body);
    res.json(await deps.accounts.setTexts(actor, code, body.welcome ?? {}, routeOf(req)));
  });

  r.put('/roster/units/:code/password-reset', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    const code = parse(unitCode, req.params.code, 'unit');
    res.json(await deps.accounts.setReset(actor, code, parse(passwordResetBody, req.body), routeOf(req)));
  });

  r.get('/roster/account-messages', async (req, res) => {
    res.json(await deps.accounts.log(actorOf(res), parse(logQuery, req.query, 'query')));
  });

  r.post('/roster/account-messages/:id/retry', async (req, res) => {
    await deps.accounts.retry(actorOf(res), parse(idParam, req.params.id, 'id'));
    res.status(202).json({ ok: true });
  });

  r.post('/roster/emergency', async (req, res) => {
    if (!deps.emergencies) throw new AppError(503, 'sms_unavailable', 'This server does not run the SMS channel');
    const body = parse(emergencyBody, req.body);
    res.status(201).json(await deps.emergencies.send(actorOf(res), body, routeOf(req)));
  });

  r.get('/roster/emergencies/:id', async (req, res) => {
    if (!deps.emergencies) throw new AppError(503, 'sms_unavailable', 'This server does not run the SMS channel');
    res.json(await deps.emergencies.view(actorOf(res), parse(idParam, req.params.id, 'id')));
  });

  return r;
}

const person = { externalId: externalIdParam };
const unit = { code: unitCode };
export const rosterRouteDocs = describeRoutes('roster', 'bearer', [
  ['POST /api/roster/import', 'A whole unit’s roster as CSV (text/csv), with ?dryRun=true reporting what would change', { query: importQuery }],
  ['GET /api/roster/people', 'People of one’s units: search, group, kind, ended', { query: peopleQuery }],
  ['GET /api/roster/groups', 'The groups of one’s units', { query: groupsQuery }],
  ['GET /api/roster/people/:externalId', 'One person with groups and guardians', { params: person }],
  [
    'PUT /api/roster/people/:externalId',
    'Creates or updates a person (idempotent: 201 created, 200 updated)',
    { roles: 'admin, integration', params: person, body: personBody },
  ],
  [
    'DELETE /api/roster/people/:externalId',
    'Removes a person: nothing more is sent to them',
    { roles: 'admin, integration', params: person, response: { status: 204 } },
  ],
  [
    'POST /api/roster/people/:externalId/welcome',
    'Sends the account name and temporary password by SMS; the password is never stored',
    { roles: 'admin, integration', params: person, body: welcomeBody, response: { status: 202 } },
  ],
  ['GET /api/roster/units/:code', 'A unit’s welcome texts and reset hook (its token never shown)', { params: unit }],
  ['PUT /api/roster/units/:code/texts', 'A unit’s welcome texts per language', { roles: 'admin', params: unit, body: unitTextsBody }],
  ['PUT /api/roster/units/:code/password-reset', 'The identity system’s reset hook and keywords', { roles: 'admin', params: unit, body: passwordResetBody }],
  ['GET /api/roster/account-messages', 'The log of welcome and reset messages, passwords masked', { query: logQuery }],
  ['POST /api/roster/account-messages/:id/retry', 'Tries a failed password reset again', { params: { id: idParam }, response: { status: 202 } }],
  [
    'POST /api/roster/emergency',
    'The emergency message to everyone of a unit or the municipality, optionally asking for answers',
    { body: emergencyBody, response: { status: 201 } },
  ],
  ['GET /api/roster/emergencies/:id', 'An emergency message’s progress, answers, and who has not answered', { params: { id: idParam } }],
]);

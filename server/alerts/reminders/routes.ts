import { Router, type Request } from 'express';
import { assertAdmin, assertMay } from '../../core/access';
import { badRequest } from '../../core/errors';
import { actorOf, routeOf } from '../../core/http/require-auth';
import { idParam } from '../../core/http/schemas';
import { parse } from '../../core/http/validate';
import { readBody } from '../address-register-csv';
import { powerCutBody } from './power-cuts';
import type { Reminders } from './reminders.service';
import { settingsBody, type ReminderSettingsStore } from './settings';
import { describeRoutes } from '../../core/http/openapi';

/*
 * Staff routes of the reminder modules (admin or officer): the waste schedule and the finance
 * list as CSV bodies, power-cut notices as JSON, and (admin) the time zone and evening hour.
 */

/** A schedule or a list is far smaller than a register file. */
const MAX_CSV_BYTES = 16 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];

async function csvBody(req: Request): Promise<Buffer> {
  if (!req.is(CSV_TYPES)) throw badRequest('Send the file as the body with Content-Type: text/csv', { contentType: req.get('content-type') ?? null });
  return readBody(req, MAX_CSV_BYTES);
}

export function reminderRoutes(deps: { reminders: Reminders; settings: ReminderSettingsStore }): Router {
  const r = Router();
  const may = (req: Request, res: Parameters<typeof actorOf>[0]) => {
    const actor = actorOf(res);
    assertMay(actor, 'manageReminders', 'Only an administrator or an officer may manage reminders');
    return { userId: actor.id, route: routeOf(req), ip: req.ip };
  };

  r.post('/alerts/waste-schedule', async (req, res) => {
    const who = may(req, res);
    res.json(await deps.reminders.importWasteSchedule(await csvBody(req), who));
  });

  r.post('/alerts/overdue', async (req, res) => {
    const who = may(req, res);
    res.json(await deps.reminders.importOverdue(await csvBody(req), who));
  });

  r.get('/alerts/power-cuts', async (req, res) => {
    may(req, res);
    res.json({ items: await deps.reminders.powerCuts() });
  });

  r.post('/alerts/power-cuts', async (req, res) => {
    const who = may(req, res);
    const body = parse(powerCutBody, req.body);
    res.status(201).json(await deps.reminders.announcePowerCut(body, who));
  });

  r.delete('/alerts/power-cuts/:id', async (req, res) => {
    const who = may(req, res);
    res.json(await deps.reminders.cancelPowerCut(parse(idParam, req.params.id, 'id'), who));
  });

  r.get('/alerts/reminder-settings', async (req, res) => {
    may(req, res);
    res.json(await deps.settings.get());
  });

  r.put('/alerts/reminder-settings', async (req, res) => {
    assertAdmin(actorOf(res));
    res.json(await deps.settings.put(parse(settingsBody, req.body)));
  });

  return r;
}

export const reminderRouteDocs = describeRoutes('alerts', 'bearer', [
  ['POST /api/alerts/waste-schedule', 'Imports the waste collection schedule from CSV', { roles: 'admin, officer', bodyType: 'text/csv' }],
  ['POST /api/alerts/overdue', 'Imports overdue taxes and fees from CSV', { roles: 'admin, officer', bodyType: 'text/csv' }],
  ['GET /api/alerts/power-cuts', 'Announced power cuts', { roles: 'admin, officer' }],
  ['POST /api/alerts/power-cuts', 'Announces a planned power cut', { roles: 'admin, officer', body: powerCutBody, response: { status: 201 } }],
  ['DELETE /api/alerts/power-cuts/:id', 'Cancels a power cut (a cancellation goes to who was told)', { roles: 'admin, officer', params: { id: idParam } }],
  ['GET /api/alerts/reminder-settings', "The reminder modules' settings", { roles: 'admin, officer' }],
  ['PUT /api/alerts/reminder-settings', "Changes the reminder modules' settings", { roles: 'admin', body: settingsBody }],
]);

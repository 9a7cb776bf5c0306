import { Router } from 'express';
import { z } from 'zod';
import type { SmsGroupService } from './groups.service';
import { type Recipient, type SmsOutboundService, MAX_RECIPIENTS } from './outbound.service';
import type { SmsSendService } from './sends.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { assertAdmin, assertMay } from '../core/access';
import { audienceBody } from './audience';
import type { BroadcastService } from './broadcast.service';
import { AUDIENCE_MERGE_FIELDS } from '../../channels/twilio-sms/compose-text';
import type { SmsSeriesService } from './series.service';
import { MAX_RRULE_LENGTH } from './recurrence';
import { describeRoutes } from '../core/http/openapi';

/* Officers' SMS: which numbers they may send from, what a text costs, and sending it. */

const phone = z.string().trim().min(3).max(40);
const recipient = z.union([
  phone.transform((p) => ({ phone: p, name: null as string | null })),
  z.object({ phone, name: z.string().trim().max(100).nullable().optional() }).strict(),
]);
const recipients = z.union([recipient.transform((r) => [r]), z.array(recipient).min(1).max(MAX_RECIPIENTS)]);
const smsBody = z.string().min(1).max(1600);

export const smsPreviewBody = z
  .object({ body: smsBody, to: recipients.optional(), audience: audienceBody.optional(), emergency: z.boolean().optional() })
  .strict();
export const smsSendBody = z
  .object({
    to: recipients.optional(),
    group: z.number().int().positive().optional(),
    body: smsBody,
    from: phone.optional(),
    audience: audienceBody.optional(),
    emergency: z.boolean().optional(),
    // Only `false` means anything: send now even within quiet hours.
    quietHours: z.literal(false).optional(),
    rrule: z.string().min(1).max(MAX_RRULE_LENGTH).optional(),
    skipHolidays: z.boolean().optional(),
    sendAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .optional(),
  })
  .strict()
  .refine((b) => b.to !== undefined || b.group !== undefined || b.audience !== undefined, {
    message: 'name recipients in to, a saved group, an audience, or several',
    path: ['to'],
  })
  .superRefine((b, ctx) => {
    const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.rrule !== undefined) {
      if (!b.audience) bad('rrule', 'a recurring send goes to an audience');
      if (b.to !== undefined || b.group !== undefined) bad('rrule', 'a recurring send names its audience only, not to or group');
      if (b.emergency) bad('emergency', 'an emergency does not recur');
      if (b.quietHours === false) bad('quietHours', 'a recurring send keeps quiet hours');
    } else if (b.skipHolidays !== undefined) bad('skipHolidays', 'only with rrule');
  });
const rateBody = z.object({ perSecond: z.number().int().min(1).max(10_000).nullable() }).strict();
const senderParam = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4759440004');
export const smsGroupBody = z
  .object({ name: z.string().trim().min(1).max(191), department: z.string().trim().max(64).optional(), members: z.array(recipient).min(1).max(MAX_RECIPIENTS) })
  .strict();

export function smsRoutes(deps: {
  sms: SmsOutboundService;
  sends: SmsSendService;
  groups: SmsGroupService;
  broadcast: BroadcastService;
  series: SmsSeriesService;
}): Router {
  const r = Router();

  r.get('/sms/senders', async (_req, res) => {
    res.json({ items: await deps.sms.sendersFor(actorOf(res)) });
  });

  r.post('/sms/preview', async (req, res) => {
    // Only for those who may send: the case system's account has no business pricing texts to numbers.
    assertMay(actorOf(res), 'sendSms', 'Your role may not send SMS');
    const body = parse(smsPreviewBody, req.body);
    if (body.audience) {
      deps.sms.assertTemplate(body.body, AUDIENCE_MERGE_FIELDS);
      const extra = (body.to ?? []).map((x) => ({ phone: x.phone, name: x.name ?? null, locality: null, street: null }));
      return void res.json(await deps.broadcast.preview(body.body, body.audience, body.emergency === true, extra, actorOf(res)));
    }
    res.json(
      deps.sms.preview(
        body.body,
        body.to?.map((x) => ({ phone: x.phone, name: x.name ?? null })),
      ),
    );
  });

  r.post('/sms/messages', async (req, res) => {
    const body = parse(smsSendBody, req.body);
    const actor = actorOf(res);
    if (body.rrule !== undefined && body.audience) {
      const { audience, rrule, sendAt, skipHolidays, from } = body;
      const series = await deps.series.create(actor, { body: body.body, audience, rrule, sendAt, skipHolidays, from }, routeOf(req));
      // A recurring send answers with its series (GET /api/sms/series/:id); each occurrence becomes a send of its own.
      return void res.status(201).json({ id: series.id, state: series.state, recipients: series.recipients, series });
    }
    const to: Recipient[] = (body.to ?? []).map((x) => ({ phone: x.phone, name: x.name ?? null }));
    if (body.group !== undefined) to.push(...(await deps.groups.recipients(actor, body.group)));
    const result = await deps.sends.send(
      actor,
      { to, body: body.body, from: body.from, sendAt: body.sendAt, audience: body.audience, emergency: body.emergency, quietHours: body.quietHours },
      routeOf(req),
    );
    // MISSION's shape ({id, state, recipients, statuses, ...}) at the top, and `send` as before.
    res.status(201).json({ ...result.send, ...result });
  });

  // Admin: the carrier's limit for one of our numbers, in messages per second (null: no limit of its own).
  r.put('/sms/senders/:number/rate', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    const sender = parse(senderParam, req.params.number, 'sender number');
    const { perSecond } = parse(rateBody, req.body);
    await deps.broadcast.setRate(actor.id, sender, perSecond, routeOf(req));
    res.json({ sender, perSecond });
  });

  r.get('/sms/groups', async (_req, res) => {
    res.json({ items: await deps.groups.list(actorOf(res)) });
  });

  r.post('/sms/groups', async (req, res) => {
    const body = parse(smsGroupBody, req.body);
    res.status(201).json(
      await deps.groups.create(actorOf(res), {
        name: body.name,
        department: body.department,
        members: body.members.map((x) => ({ phone: x.phone, name: x.name ?? null })),
      }),
    );
  });

  return r;
}

export const smsSendRouteDocs = describeRoutes('sms', 'bearer', [
  ['GET /api/sms/senders', 'The sender numbers the caller may send from, with their pace'],
  [
    'POST /api/sms/preview',
    'Counts characters, segments, encoding and recipients of a send without sending',
    { roles: 'officer, admin', body: smsPreviewBody },
  ],
  [
    'POST /api/sms/messages',
    'Sends (or schedules, or repeats) an SMS to numbers, a group or an audience; held for approval when policy says so',
    { roles: 'officer, admin', body: smsSendBody, response: { status: 201 } },
  ],
  ['PUT /api/sms/senders/:number/rate', "Sets a sender number's pace (messages a second)", { roles: 'admin', params: { number: senderParam }, body: rateBody }],
  ['GET /api/sms/groups', 'Recipient groups'],
  ['POST /api/sms/groups', 'Creates a recipient group', { roles: 'officer, admin', body: smsGroupBody, response: { status: 201 } }],
]);

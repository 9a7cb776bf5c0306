import { Router } from 'express';
import { z } from 'zod';
import type { SmsOutboundService } from '../../domain/sms-outbound';
import { MAX_RECIPIENTS } from '../../domain/sms-outbound';
import { actorOf, routeOf } from '../auth';
import { parse } from '../validate';

/* Officers' SMS: which numbers they may send from, what a text costs, and sending it. */

const phone = z.string().trim().min(3).max(40);
const recipient = z.union([phone.transform((p) => ({ phone: p, name: null as string | null })), z.object({ phone, name: z.string().trim().max(100).nullable().optional() }).strict()]);
const recipients = z.union([recipient.transform((r) => [r]), z.array(recipient).min(1).max(MAX_RECIPIENTS)]);
const smsBody = z.string().min(1).max(1600);

export const smsPreviewBody = z.object({ body: smsBody, to: recipients.optional() }).strict();
export const smsSendBody = z.object({ to: recipients, body: smsBody, from: phone.optional() }).strict();

export function smsRoutes(deps: { sms: SmsOutboundService }): Router {
  const r = Router();

  r.get('/sms/senders', async (_req, res) => {
    res.json({ items: await deps.sms.sendersFor(actorOf(res)) });
  });

  r.post('/sms/preview', async (req, res) => {
    const body = parse(smsPreviewBody, req.body);
    res.json(deps.sms.preview(body.body, body.to?.map((x) => ({ phone: x.phone, name: x.name ?? null }))));
  });

  r.post('/sms/messages', async (req, res) => {
    const body = parse(smsSendBody, req.body);
    const result = await deps.sms.sendTo(actorOf(res), { to: body.to.map((x) => ({ phone: x.phone, name: x.name ?? null })), body: body.body, from: body.from }, routeOf(req));
    res.status(201).json(result);
  });

  return r;
}

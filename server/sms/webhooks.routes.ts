import type express from 'express';
import { Router, type ErrorRequestHandler } from 'express';
import twilio from 'twilio';
import type { Logger } from 'pino';
import { AppError } from '../core/errors';
import type { MessageStatusService } from '../register/module';
import type { SmsInboundService } from './inbound.service';
import { parseInboundSms, parseStatusCallback } from '../../channels/twilio-sms/parse';
import { twilioWebhook } from '../../channels/twilio/signature';
import { describeRoutes } from '../core/http/openapi';

export const INBOUND_PATH = '/webhooks/twilio/sms';
export const STATUS_PATH = '/webhooks/twilio/sms/status';
const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

export interface SmsWebhookDeps {
  /** The auth token Twilio signs with (the simulator's own in simulation mode). */
  authToken: string;
  publicBaseUrl: string;
  inbound: SmsInboundService;
  status: MessageStatusService;
  clock: () => Date;
  logger: Logger;
}

const fail = (res: express.Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

/**
 * Twilio's two SMS webhooks. Order matters: a form, then a valid signature (checked against the
 * public URL Twilio called), then a body we can parse; only then is anything written, and the
 * answer comes after the write has committed. A store that fails answers 503 so Twilio retries.
 */
export function smsWebhooks(deps: SmsWebhookDeps): Router {
  const r = Router();
  const form = twilioWebhook({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl, limit: '200kb', parameterLimit: 300 });

  r.post(STATUS_PATH, ...form, async (req, res) => {
    const event = parseStatusCallback(req.body, deps.clock());
    if (!event) return fail(res, 400, 'malformed_form', 'Not a Twilio status callback');
    const outcome = await storing(deps, () =>
      deps.status.applyReport({
        channel: 'sms',
        externalId: event.externalId,
        status: event.status,
        providerStatus: event.providerStatus,
        at: event.at,
        detail: event.detail,
      }),
    );
    if (!outcome) return unavailable(res);
    if (outcome.applied === 'no_such_message') deps.logger.warn({ externalId: event.externalId }, 'status report for a message we do not know');
    res.type('text/xml').send(EMPTY_TWIML);
  });

  r.post(INBOUND_PATH, ...form, async (req, res) => {
    const sms = parseInboundSms(req.body, deps.clock());
    if (!sms) return fail(res, 400, 'malformed_form', 'Not a Twilio inbound message');
    const recorded = await storing(deps, () => deps.inbound.receive(sms));
    if (!recorded) return unavailable(res);
    res.type('text/xml').send(EMPTY_TWIML);
  });

  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    const e = err as { type?: string; status?: number };
    if (e.type && typeof e.status === 'number' && e.status < 500)
      return fail(res, e.status === 413 ? 413 : 400, 'malformed_form', 'The form could not be read');
    next(err);
  };
  r.use([INBOUND_PATH, STATUS_PATH], bodyErrors);
  return r;
}

/** Runs a write; anything but a caller's mistake means it is not stored, and Twilio should try again. */
async function storing<T>(deps: SmsWebhookDeps, write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof AppError && e.status < 500) throw e;
    deps.logger.error({ err: e }, 'SMS webhook could not be stored');
    return null;
  }
}

function unavailable(res: express.Response) {
  res.setHeader('Retry-After', '5');
  fail(res, 503, 'unavailable', 'Not stored; try again');
}

const twiml = { type: 'text/xml', description: 'TwiML (an empty <Response/>), once what the request carries is stored' };
export const smsWebhookDocs = describeRoutes('webhooks', 'twilio', [
  ['POST /webhooks/twilio/sms', 'Inbound SMS (Twilio)', { bodyType: 'application/x-www-form-urlencoded', response: twiml }],
  ['POST /webhooks/twilio/sms/status', 'Delivery status callback (Twilio)', { bodyType: 'application/x-www-form-urlencoded', response: twiml }],
]);

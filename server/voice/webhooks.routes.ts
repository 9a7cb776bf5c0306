import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { assertAdmin } from '../core/access';
import type { AuditRepository } from '../core/audit.repository';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { withQuery, type StepContext, type StepResult } from '../../ivr/compose';
import { closedChoice, dialEnded, holdMusic, menuChoice, startCall } from '../../ivr/menu';
import { stateFromQuery, voicePaths, type CallState } from '../../ivr/state';
import { afterReading, caseNumberEntered, codeEntered } from '../../ivr/status';
import type { Speech } from '../../ivr/speech/speech';
import type { Flow } from '../../ivr/schema';
import type { CaseStatusService } from './case-status.service';
import type { CallService } from './calls.service';
import { callForm, dialForm, gatherForm, statusForm } from '../../channels/twilio-voice/parse';
import type { Handover } from './handover.service';
import { twilioWebhook } from '../../channels/twilio/signature';
import { describeRoutes, type RouteDoc } from '../core/http/openapi';

export interface VoiceRoutesDeps {
  authToken: string;
  publicBaseUrl: string;
  menu: () => Promise<{ flow: Flow; hours: Record<string, unknown> }>;
  speech: Speech;
  calls: CallService;
  handover: Handover;
  caseStatus: CaseStatusService;
  clock: () => Date;
  logger: Logger;
}

const transferBody = z
  .object({
    toUserEmail: z.string().email().max(191).optional(),
    toDepartment: z.string().min(1).max(64).optional(),
    note: z.string().trim().max(500).default(''),
  })
  .strict()
  .refine((b) => Boolean(b.toUserEmail) !== Boolean(b.toDepartment), { message: 'give exactly one of toUserEmail and toDepartment', path: ['toUserEmail'] });
const caseCategoryParam = z.string().trim().min(1).max(64);
const caseCategoryBody = z.object({ callerIdOnly: z.boolean() }).strict();
const callSidParam = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'not a CallSid');

/** Most answers a step may remember for one flow (each language, try and department is one). */
const REMEMBERED = 256;
const rememberedOf = new WeakMap<Flow, Map<string, StepResult>>();

/**
 * The answer of a step that depends only on the flow and the call state (the greeting and menu,
 * the hold music), built once per flow: every call hears them, and building the TwiML was a share
 * of each call's CPU (issue 13). The flow is rebuilt whenever the departments or the menu change
 * (module.ts), in every process as its department list refreshes, and a new flow starts empty,
 * so nothing here outlives the flow it was built from.
 */
function remembered(ctx: StepContext, step: string, state: CallState, build: (ctx: StepContext, state: CallState) => StepResult): StepResult {
  let answers = rememberedOf.get(ctx.flow);
  if (!answers) rememberedOf.set(ctx.flow, (answers = new Map<string, StepResult>()));
  const key = `${step} ${state.lang} ${state.tries} ${state.department ?? ''}`;
  let hit = answers.get(key);
  if (!hit) {
    hit = build(ctx, state);
    if (answers.size < REMEMBERED) answers.set(key, hit);
  }
  return hit;
}

const invalid = (res: Response, message: string) => res.status(400).json({ error: { code: 'invalid_input', message } });

/** The voice webhooks: signed, form-encoded, answered with TwiML; and the synthesised audio they point at. */
export function voiceWebhooks(deps: VoiceRoutesDeps): Router {
  const r = Router();
  const signed = twilioWebhook({ authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });

  async function context(): Promise<StepContext> {
    const { flow, hours } = await deps.menu();
    return { flow, hours, now: deps.clock(), speech: deps.speech.renderer, url: (path, state) => withQuery(deps.publicBaseUrl, path, state) };
  }

  /** One webhook: parse the form and the state, run the step, do what it asks, answer TwiML. */
  function step<S extends z.ZodType>(path: string, schema: S, handle: (form: z.infer<S>, state: CallState, ctx: StepContext) => Promise<StepResult>) {
    r.post(path, ...signed, async (req: Request, res: Response) => {
      const form = schema.safeParse(req.body);
      if (!form.success) return invalid(res, `Invalid webhook form: ${form.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      const ctx = await context();
      const state = stateFromQuery(req.query, ctx.flow.defaultLanguage);
      if (!state) return invalid(res, 'Invalid call state in the URL');
      const result = await handle(form.data, state, ctx);
      res
        .status(200)
        .type('text/xml')
        .send(await deps.speech.prepare(result.prompts, result.twiml));
    });
  }

  step(voicePaths.start, callForm, async (form, state, ctx) => {
    await deps.calls.begin(form, state.lang);
    return remembered(ctx, 'start', state, startCall);
  });

  step(voicePaths.menu, gatherForm, async (form, state, ctx) => {
    const result = menuChoice(ctx, state, form.Digits || undefined);
    if (result.effect?.kind === 'enqueue') await deps.calls.route(form, result.effect.department, result.next.lang);
    return result;
  });

  step(voicePaths.closed, gatherForm, async (form, state, ctx) => {
    const result = closedChoice(ctx, state, form.Digits || undefined);
    if (result.effect?.kind === 'callback') await deps.calls.requestCallback(form, result.effect.department, state.lang);
    return result;
  });

  step(voicePaths.wait, callForm, async (form, state, ctx) => {
    await deps.calls.held(form.CallSid);
    return remembered(ctx, 'hold', state, holdMusic);
  });

  step(voicePaths.dial, dialForm, async (form, state, ctx) => {
    const result = dialEnded(ctx, state, form.DialCallStatus);
    if (result.effect?.kind === 'enqueue') await deps.handover.agentMissed(form.CallSid);
    return result;
  });

  step(voicePaths.caseNumber, gatherForm, async (form, state, ctx) => {
    const outcome = await deps.caseStatus.caseEntered({ callSid: form.CallSid, from: form.From, to: form.To, keys: form.Digits, lang: state.lang });
    return caseNumberEntered(ctx, state, outcome);
  });

  step(voicePaths.caseCode, gatherForm, async (form, state, ctx) =>
    codeEntered(ctx, state, await deps.caseStatus.codeEntered({ callSid: form.CallSid, keys: form.Digits })),
  );

  step(voicePaths.caseMore, gatherForm, async (form, state, ctx) => afterReading(ctx, state, form.Digits || undefined));

  // A status callback is applied before its 2xx, so Twilio retries one we could not store.
  r.post(voicePaths.status, ...signed, async (req, res) => {
    const form = statusForm.safeParse(req.body);
    if (!form.success) return invalid(res, `Invalid status callback: ${form.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    await deps.calls.statusChanged(form.data);
    res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  if (deps.speech.audio) {
    const audio = deps.speech.audio.bind(deps.speech);
    r.get(`${voicePaths.audio}/:key`, async (req, res) => {
      const key = /^([0-9a-f]{64})\.wav$/.exec(String(req.params.key));
      const wav = key ? await audio(key[1]) : null;
      if (!wav) return res.status(404).json({ error: { code: 'not_found', message: 'No such audio' } });
      // The audio may read a citizen's case status aloud: Twilio fetches it once, and no shared cache may keep it.
      res.status(200).type('audio/wav').set('Cache-Control', 'private, no-store').send(wav);
    });
  }

  return r;
}

/** The staff side under /api: transfer a call, and which case categories need a caller-ID match. */
export function voiceStaffRoutes(deps: { handover: Handover; caseStatus: CaseStatusService; audit: AuditRepository }): Router {
  const r = Router();

  r.post('/calls/:callSid/transfer', async (req, res) => {
    const callSid = parse(callSidParam, req.params.callSid, 'call id');
    const body = parse(transferBody, req.body);
    res.json(await deps.handover.transfer(actorOf(res), callSid, body, routeOf(req)));
  });

  r.put('/voice/case-categories/:category', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    const category = parse(caseCategoryParam, req.params.category, 'category');
    const body = parse(caseCategoryBody, req.body);
    await deps.caseStatus.setCategory(category, body.callerIdOnly);
    await deps.audit.record([
      { userId: actor.id, action: 'update', entityType: 'department', entityId: `case-category:${category}`.slice(0, 64), route: routeOf(req) },
    ]);
    res.json({ category, callerIdOnly: body.callerIdOnly });
  });

  return r;
}

const twiml = { type: 'text/xml', description: 'TwiML' };
const form = 'application/x-www-form-urlencoded' as const;

/** The voice routes as mounted: the audio route exists where the speech engine keeps audio, the simulator in demo mode. */
export function voiceRouteDocs(mounted: { audio: boolean; simulator: boolean }): RouteDoc[] {
  const step = (path: string, summary: string, body: z.ZodType): [string, string, Partial<RouteDoc>] => [
    `POST ${path}`,
    summary,
    { body, bodyType: form, response: twiml },
  ];
  return [
    ...describeRoutes('webhooks', 'twilio', [
      step(voicePaths.start, 'Incoming call (Twilio): the voice menu', callForm),
      step(voicePaths.menu, 'The caller chose from the menu', gatherForm),
      step(voicePaths.closed, 'The caller chose after the closed message', gatherForm),
      step(voicePaths.wait, 'Hold music while queued; the agents are told the call waits', callForm),
      step(voicePaths.dial, 'A dialled agent or caseworker did not answer, or the call ended', dialForm),
      step(voicePaths.caseNumber, 'The case-status line: the caller keyed a case number', gatherForm),
      step(voicePaths.caseCode, 'The case-status line: the caller keyed the one-time code', gatherForm),
      step(voicePaths.caseMore, 'The case-status line: after reading a status', gatherForm),
      step(voicePaths.status, 'Call status callback (Twilio)', statusForm),
    ]),
    ...(mounted.audio
      ? describeRoutes('webhooks', 'none', [[`GET ${voicePaths.audio}/:key`, 'Spoken prompt audio that <Play> fetches', { response: { type: 'audio/wav' } }]])
      : []),
    ...describeRoutes('voice', 'bearer', [
      [
        'POST /api/calls/:callSid/transfer',
        'Transfers a call to a caseworker or department with a note',
        { params: { callSid: callSidParam }, body: transferBody },
      ],
      [
        'PUT /api/voice/case-categories/:category',
        'Whether the case-status line reads cases of this category on the caller number alone (no code)',
        { roles: 'admin', params: { category: caseCategoryParam }, body: caseCategoryBody },
      ],
    ]),
    ...(mounted.simulator
      ? describeRoutes('demo', 'none', [
          ['GET /simulator', 'The demo call simulator page', { response: { type: 'text/html' } }],
          ['POST /simulator', 'Places a simulated call', { bodyType: form, response: { type: 'text/html' } }],
        ])
      : []),
  ];
}

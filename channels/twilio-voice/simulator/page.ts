import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SimulatedCall, type Turn } from './caller';

/*
 * The call simulator as a web page, for a new user without a Twilio account: a form posts a
 * number and keys, the server plays Twilio's part against itself (SimulatedCall, signed with the
 * public simulation token) and shows what the caller heard. Mounted only in simulation mode and
 * never in production: the token it signs with is public, and so is this page.
 */

/** No script, no styles: plain HTML, a form that posts back here, and players for our own audio. */
export const SIMULATOR_CSP = "default-src 'none'; style-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Bounds on one simulated call, so the page cannot be used to keep the server busy. */
const MAX_KEY_GROUPS = 20;
const CALL_TIMEOUT_MS = 10_000;
const MAX_CONCURRENT = 4;

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ]{3,20}$/, 'telefonnummer / phone number: digits, optionally starting with +');
const form = z
  .object({
    from: phone.default('+4791234567'),
    to: phone.default('+4771111000'),
    keys: z
      .string()
      .trim()
      .max(200)
      .regex(/^[0-9*#,]*$/, 'tastetrykk / keys: only 0-9, *, # and commas between groups')
      .refine((k) => k.split(',').filter(Boolean).length <= MAX_KEY_GROUPS, `at most ${MAX_KEY_GROUPS} groups of keys`)
      .default(''),
  })
  .strip();
type Form = z.infer<typeof form>;

export interface SimulatorPageDeps {
  publicBaseUrl: string;
  authToken: string;
  /** The words behind a <Play> URL, when the server spoke them with synthesised audio. */
  caption(url: string): string | undefined;
  logger: Logger;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(values: Partial<Record<keyof Form, string>>, body = '', error = ''): string {
  const v = { from: '+4791234567', to: '+4771111000', keys: '2', ...values };
  return `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Samtalesimulator / Call simulator – Servicetorg</title></head>
<body>
<h1>Samtalesimulator / Call simulator</h1>
<p>Spiller Twilios rolle: ring sentralbordet, tast valg og hør hva innringeren hører. Ingen Twilio-konto trengs.<br>
Plays Twilio's part: call the switchboard, press keys and hear what the caller hears. No Twilio account needed.</p>
${error ? `<p role="alert"><strong>Feil / Error:</strong> ${esc(error)}</p>` : ''}
<form method="post" action="/simulator">
<p><label>Innringer / Caller number <input name="from" value="${esc(v.from)}" required></label></p>
<p><label>Nummer som ringes / Number called <input name="to" value="${esc(v.to)}" required></label></p>
<p><label>Taster / Keys to press <input name="keys" value="${esc(v.keys)}"></label>
<small>f.eks. / e.g. <code>2</code> eller / or <code>9,2026*17#,123456#</code></small></p>
<p><button type="submit">Ring / Call</button></p>
</form>
${body}
</body></html>`;
}

/** One thing heard: <Say> text as is; <Play> as its caption and a player for its (same-origin) audio. */
function heard(h: string, caption: SimulatorPageDeps['caption']): string {
  if (!h.startsWith('play:')) return `<li>${esc(h)}</li>`;
  const url = h.slice('play:'.length);
  const path = url.replace(/^https?:\/\/[^/]+/, '');
  return `<li>${esc(caption(url) ?? '(lyd / audio)')} <audio controls preload="none" src="${esc(path)}"></audio></li>`;
}

function transcript(turns: { label: string; turn: Turn }[], problem: string, caption: SimulatorPageDeps['caption']): string {
  const items = turns.map(
    ({ label, turn }) => `<li><strong>${esc(label)}</strong> (HTTP ${turn.status})<ul>${turn.heard.map((h) => heard(h, caption)).join('')}</ul></li>`,
  );
  return `<h2>Hva innringeren hørte / What the caller heard</h2>
<ol>${items.join('\n')}</ol>
${problem ? `<p><strong>Samtalen stoppet / The call stopped:</strong> ${esc(problem)}</p>` : ''}
<p>Logg inn som agent1@servicetorg.demo i en annen fane, sett deg tilgjengelig, og trykk Ring igjen for å se skjermpoppen.<br>
Log in as agent1@servicetorg.demo in another tab, set yourself available, and press Call again to see the screen pop.</p>`;
}

export function simulatorPage(deps: SimulatorPageDeps): Router {
  const r = Router();
  let running = 0;

  const send = (res: Response, status: number, html: string) =>
    res.status(status).set('Content-Security-Policy', SIMULATOR_CSP).set('Cache-Control', 'no-store').type('html').send(html);

  r.get('/simulator', (_req, res) => send(res, 200, page({})));

  r.post('/simulator', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), async (req: Request, res: Response) => {
    const raw = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const echo = Object.fromEntries(
      ['from', 'to', 'keys'].map((k) => [k, typeof raw[k] === 'string' ? String(raw[k]).slice(0, 200) : undefined]).filter(([, x]) => x !== undefined),
    ) as Partial<Record<'from' | 'to' | 'keys', string>>;
    const parsed = form.safeParse(raw);
    if (!parsed.success) return send(res, 400, page(echo, '', parsed.error.issues.map((i) => i.message).join('; ')));
    if (running >= MAX_CONCURRENT) return send(res, 429, page(echo, '', 'for mange samtaler samtidig / too many calls at once; try again'));

    // The call goes to this same server, over loopback, on the port this request arrived at.
    const call = new SimulatedCall({
      serverUrl: `http://127.0.0.1:${req.socket.localPort}`,
      publicBaseUrl: deps.publicBaseUrl,
      authToken: deps.authToken,
      accountSid: `AC${'0'.repeat(32)}`,
      from: parsed.data.from,
      to: parsed.data.to,
    });
    const turns: { label: string; turn: Turn }[] = [];
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    const within = async <T>(p: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('tidsavbrudd / timed out')), Math.max(0, deadline - Date.now()))),
      );
      try {
        return await Promise.race([p, late]);
      } finally {
        clearTimeout(timer);
      }
    };
    let problem = '';
    running++;
    try {
      turns.push({ label: 'Ringer / Ringing', turn: await within(call.ring()) });
      for (const keys of parsed.data.keys.split(',').filter(Boolean)) {
        turns.push({ label: `Taster / Keys ${keys}`, turn: await within(call.press(keys)) });
      }
      if (call.last?.body.includes('<Enqueue')) turns.push({ label: 'I kø / On hold', turn: await within(call.hold()) });
    } catch (e) {
      // A key pressed where nothing listens, or a slow server: show how far the call got.
      problem = e instanceof Error ? e.message : String(e);
      deps.logger.debug({ err: e, callSid: call.callSid }, 'simulated call stopped');
    } finally {
      running--;
    }
    send(res, 200, page(parsed.data, transcript(turns, problem, deps.caption)));
  });

  return r;
}

import { Router } from 'express';
import type { CaseService } from './cases.service';
import type { ContactService } from './contacts.service';
import type { InquiryService } from './inquiries.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { caseBody, caseNumberParam, contactQuery, inquiryListQuery, inquiryPatch, messageBody, noteBody } from './schemas';
import { parse } from '../core/http/validate';

/** The register for staff: cases, contacts, inquiries and their messages. */
export function registerRoutes(deps: { cases: CaseService; contacts: ContactService; inquiries: InquiryService }): Router {
  const r = Router();

  r.put('/cases/:caseNumber', async (req, res) => {
    const caseNumber = parse(caseNumberParam, req.params.caseNumber, 'case number');
    const body = parse(caseBody, req.body);
    const result = await deps.cases.upsert(caseNumber, body, actorOf(res), routeOf(req));
    res.status(result.created ? 201 : 200).json({ ...result.case, changed: result.changed });
  });

  r.get('/cases/:caseNumber', async (req, res) => {
    const caseNumber = parse(caseNumberParam, req.params.caseNumber, 'case number');
    res.json(await deps.cases.get(caseNumber, actorOf(res), routeOf(req), req.ip));
  });

  r.get('/contacts', async (req, res) => {
    const q = parse(contactQuery, req.query, 'query');
    const actor = actorOf(res);
    const items = q.phone ? await deps.contacts.findByPhone(actor, q.phone, routeOf(req), req.ip) : await deps.contacts.findByEmail(actor, q.email!, routeOf(req), req.ip);
    res.json({ items });
  });

  r.get('/contacts/:id', async (req, res) => {
    res.json(await deps.contacts.get(actorOf(res), parse(idParam, req.params.id, 'contact id'), routeOf(req), req.ip));
  });

  r.get('/inquiries', async (req, res) => {
    const q = parse(inquiryListQuery, req.query, 'query');
    res.json(
      await deps.inquiries.list(actorOf(res), {
        channel: q.channel,
        state: q.state ?? q.status,
        department: q.department,
        contact: q.contact,
        caseNumber: q.case,
        assignee: q.assignee,
        cursor: q.cursor,
        limit: q.limit,
      }),
    );
  });

  r.get('/inquiries/:id', async (req, res) => {
    res.json(await deps.inquiries.get(actorOf(res), parse(idParam, req.params.id, 'inquiry id'), routeOf(req), req.ip));
  });

  r.patch('/inquiries/:id', async (req, res) => {
    const id = parse(idParam, req.params.id, 'inquiry id');
    res.json(await deps.inquiries.update(actorOf(res), id, parse(inquiryPatch, req.body), routeOf(req)));
  });

  r.post('/inquiries/:id/notes', async (req, res) => {
    const id = parse(idParam, req.params.id, 'inquiry id');
    res.status(201).json(await deps.inquiries.addNote(actorOf(res), id, parse(noteBody, req.body).body, routeOf(req)));
  });

  r.post('/inquiries/:id/messages', async (req, res) => {
    const id = parse(idParam, req.params.id, 'inquiry id');
    res.status(201).json(await deps.inquiries.reply(actorOf(res), id, parse(messageBody, req.body).body, routeOf(req)));
  });

  r.get('/messages/:id', async (req, res) => {
    res.json(await deps.inquiries.message(actorOf(res), parse(idParam, req.params.id, 'message id')));
  });

  return r;
}

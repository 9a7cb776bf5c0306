import { Router } from 'express';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { InquiryService } from './inquiries.service';
import { inquiryListQuery, inquiryPatch, messageBody, noteBody, timelineQuery } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** Inquiries on every channel: lists, timelines, assignment and state, notes, replies, message histories. */
export function inquiryRoutes(deps: { inquiries: InquiryService }): Router {
  const r = Router();

  r.get('/inquiries', async (req, res) => {
    const q = parse(inquiryListQuery, req.query, 'query');
    res.json(
      await deps.inquiries.list(
        actorOf(res),
        {
          channel: q.channel,
          state: q.state ?? q.status,
          department: q.department,
          contact: q.contact,
          caseNumber: q.case,
          assignee: q.assignee,
          cursor: q.cursor,
          limit: q.limit,
        },
        routeOf(req),
        req.ip,
      ),
    );
  });

  r.get('/inquiries/:id', async (req, res) => {
    res.json(await deps.inquiries.get(actorOf(res), parse(idParam, req.params.id, 'inquiry id'), routeOf(req), req.ip));
  });

  r.get('/inquiries/:id/timeline', async (req, res) => {
    const id = parse(idParam, req.params.id, 'inquiry id');
    res.json(await deps.inquiries.timeline(actorOf(res), id, parse(timelineQuery, req.query, 'query'), routeOf(req), req.ip));
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
    res.json(await deps.inquiries.message(actorOf(res), parse(idParam, req.params.id, 'message id'), routeOf(req), req.ip));
  });

  return r;
}

const inquiryId = { id: idParam };
export const inquiryRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/inquiries', "Inquiries in the caller's departments, newest first: {items, nextCursor}", { query: inquiryListQuery }],
  ['GET /api/inquiries/:id', 'One inquiry with its timeline', { params: inquiryId }],
  ['GET /api/inquiries/:id/timeline', "A page of an inquiry's timeline", { params: inquiryId, query: timelineQuery }],
  ['PATCH /api/inquiries/:id', 'Assigns, changes state or moves an inquiry to another department', { params: inquiryId, body: inquiryPatch }],
  ['POST /api/inquiries/:id/notes', 'Adds an internal note', { params: inquiryId, body: noteBody, response: { status: 201 } }],
  ['POST /api/inquiries/:id/messages', "Replies on the inquiry's own channel", { params: inquiryId, body: messageBody, response: { status: 201 } }],
  ['GET /api/messages/:id', 'One message with its whole status history', { params: { id: idParam } }],
]);

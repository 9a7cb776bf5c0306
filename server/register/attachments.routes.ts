import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Logger } from 'pino';
import { inScope, registerScope } from '../core/access';
import { notFound } from '../core/errors';
import { attachmentDisposition, downloadType } from '../core/http/download';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { AuditRepository } from '../core/audit.repository';
import type { InquiryRepository } from '../register/inquiries.repository';
import type { AttachmentRepository } from './attachments.repository';
import type { MessageRepository } from '../register/messages.repository';
import { describeRoutes } from '../core/http/openapi';

/** Staff (under /api) read a message's attachments (and why any was refused) within the register's access rules. */
export function attachmentRoutes(deps: {
  attachments: AttachmentRepository;
  messages: MessageRepository;
  inquiries: InquiryRepository;
  audit: AuditRepository;
  logger: Logger;
}): Router {
  const r = Router();

  const visibleMessage = async (actor: Parameters<typeof registerScope>[0], messageId: number) => {
    const message = await deps.messages.byId(messageId);
    const inquiry = message ? await deps.inquiries.byId(message.inquiryId) : null;
    if (!message || !inquiry || !inScope(registerScope(actor), inquiry.departmentId)) throw notFound('Message');
    return message;
  };

  r.get('/messages/:id/attachments', async (req, res) => {
    const message = await visibleMessage(actorOf(res), parse(idParam, req.params.id, 'message id'));
    const rows = await deps.attachments.attachmentsOf(message.id);
    // File names and sizes of a citizen's message are part of it: listing them is a read of the message.
    await deps.audit.record([{ userId: actorOf(res).id, action: 'read', entityType: 'message', entityId: message.id, route: routeOf(req), ip: req.ip }]);
    res.json({
      items: rows.map((a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        sha256: a.sha256,
        status: a.status,
        reason: a.reason,
      })),
    });
  });

  /** Metadata first, then the access check, then the content streamed chunk by chunk: a file is never whole in memory. */
  r.get('/attachments/:id', async (req, res) => {
    const a = await deps.attachments.byId(parse(idParam, req.params.id, 'attachment id'));
    if (!a) throw notFound('Attachment');
    await visibleMessage(actorOf(res), a.messageId);
    if (a.status !== 'stored') throw notFound('Attachment content');
    // Opening a citizen's file is a read of their message, audited like reading the inquiry.
    await deps.audit.record([{ userId: actorOf(res).id, action: 'read', entityType: 'message', entityId: a.messageId, route: routeOf(req), ip: req.ip }]);
    // Always a download, never rendered in the console's origin: an HTML or SVG file cannot run there.
    res.setHeader('Content-Type', downloadType(a.contentType));
    res.setHeader('Content-Length', String(a.size));
    res.setHeader('Content-Disposition', attachmentDisposition(a.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      await pipeline(deps.attachments.content(a), res);
    } catch (err) {
      // The headers are gone: a broken stream can only cut the response short (Content-Length tells the client).
      if (!res.destroyed) res.destroy();
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') deps.logger.error({ err, attachmentId: a.id }, 'attachment download failed');
    }
  });

  return r;
}

export const attachmentRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/messages/:id/attachments', "A message's attachments", { params: { id: idParam } }],
  ['GET /api/attachments/:id', 'Downloads one attachment', { params: { id: idParam }, response: { type: 'application/octet-stream' } }],
]);

import { Router } from 'express';
import type { AuthService } from '../auth/auth.service';
import { inScope, registerScope } from '../core/access';
import { notFound } from '../core/errors';
import { actorOf, requireAuth, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { AuditRepository } from '../core/audit.repository';
import type { InquiryRepository } from '../register/inquiries.repository';
import type { MailRepository } from './mail.repository';
import type { MessageRepository } from '../register/messages.repository';

/** Staff read a message's attachments (and why any was refused) within the register's access rules. */
export function attachmentRoutes(deps: { auth: AuthService; mail: MailRepository; messages: MessageRepository; inquiries: InquiryRepository; audit: AuditRepository }): Router {
  const r = Router();
  const auth = requireAuth(deps.auth);

  const visibleMessage = async (actor: Parameters<typeof registerScope>[0], messageId: number) => {
    const message = await deps.messages.byId(messageId);
    const inquiry = message ? await deps.inquiries.byId(message.inquiryId) : null;
    if (!message || !inquiry || !inScope(registerScope(actor), inquiry.departmentId)) throw notFound('Message');
    return message;
  };

  r.get('/api/messages/:id/attachments', auth, async (req, res) => {
    const message = await visibleMessage(actorOf(res), parse(idParam, req.params.id, 'message id'));
    const rows = await deps.mail.attachmentsOf(message.id);
    res.json({
      items: rows.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, status: a.status, reason: a.reason })),
    });
  });

  r.get('/api/attachments/:id', auth, async (req, res) => {
    const a = await deps.mail.attachmentWithContent(parse(idParam, req.params.id, 'attachment id'));
    if (!a) throw notFound('Attachment');
    await visibleMessage(actorOf(res), a.messageId);
    if (a.status !== 'stored' || !a.content) throw notFound('Attachment content');
    // Opening a citizen's file is a read of their message, audited like reading the inquiry.
    await deps.audit.record([{ userId: actorOf(res).id, action: 'read', entityType: 'message', entityId: a.messageId, route: routeOf(req), ip: req.ip }]);
    // Always a download, never rendered in the console's origin: an HTML or SVG file cannot run there.
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.send(a.content);
  });

  return r;
}

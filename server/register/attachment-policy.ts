import { Router } from 'express';
import { EntitySchema } from 'typeorm';
import { z } from 'zod';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { ATTACHMENT_TYPE_NAMES, DEFAULT_ATTACHMENT_TYPES, type AttachmentType } from './attachment-types';
import { describeRoutes } from '../core/http/openapi';

interface AddedAttachmentType {
  type: string;
  addedBy: number | null;
  addedAt: Date;
}
export const AttachmentTypeEntity = new EntitySchema<AddedAttachmentType>({
  name: 'AttachmentType',
  tableName: 'attachment_types',
  columns: {
    type: { type: String, length: 16, primary: true },
    addedBy: { type: Number, name: 'added_by', nullable: true },
    addedAt: { type: 'datetime', name: 'added_at', precision: 3 },
  },
});

/** Only types whose content we can recognise can be added; the defaults cannot be removed. */
const ADDABLE = ATTACHMENT_TYPE_NAMES.filter((t) => !DEFAULT_ATTACHMENT_TYPES.includes(t));
const body = z.object({ added: z.array(z.enum(ADDABLE as [AttachmentType, ...AttachmentType[]])).max(ADDABLE.length) }).strict();

export interface AttachmentPolicyView {
  /** Every type taken from citizens: the defaults and those added. */
  allowed: AttachmentType[];
  defaults: AttachmentType[];
  added: AttachmentType[];
  /** What an admin may add. */
  addable: AttachmentType[];
}

/** Which attachment types the register takes beyond the defaults; an admin's setting, read on every check. */
export class AttachmentPolicy {
  constructor(private readonly deps: { db: Database; audit: AuditRepository; clock: () => Date }) {}

  private async added(): Promise<AttachmentType[]> {
    const rows = await this.deps.db.dataSource.manager.getRepository(AttachmentTypeEntity).find({ order: { type: 'ASC' } });
    // A type dropped from the catalogue since it was added is ignored.
    return rows.map((r) => r.type as AttachmentType).filter((t) => ADDABLE.includes(t));
  }

  async allowed(): Promise<ReadonlySet<AttachmentType>> {
    return new Set([...DEFAULT_ATTACHMENT_TYPES, ...(await this.added())]);
  }

  async view(actor: Actor): Promise<AttachmentPolicyView> {
    assertAdmin(actor);
    const added = await this.added();
    return { allowed: [...DEFAULT_ATTACHMENT_TYPES, ...added], defaults: [...DEFAULT_ATTACHMENT_TYPES], added, addable: ADDABLE };
  }

  async set(actor: Actor, added: AttachmentType[], route: string): Promise<AttachmentPolicyView> {
    assertAdmin(actor);
    const types = [...new Set(added)];
    await this.deps.db.transaction(async (m) => {
      // DELETE, not clear(): MariaDB's TRUNCATE would commit the transaction half way.
      await m.query('DELETE FROM attachment_types');
      if (types.length) await m.getRepository(AttachmentTypeEntity).insert(types.map((type) => ({ type, addedBy: actor.id, addedAt: this.deps.clock() })));
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'attachment_policy', entityId: types.join(',') || '-', route }], m);
    });
    return this.view(actor);
  }
}

/** GET/PUT /attachment-policy: the file types citizens may send, by e-mail and web form. */
export function attachmentPolicyRoutes(deps: { policy: AttachmentPolicy }): Router {
  const r = Router();
  r.get('/attachment-policy', async (_req, res) => {
    res.json(await deps.policy.view(actorOf(res)));
  });
  r.put('/attachment-policy', async (req, res) => {
    const { added } = parse(body, req.body);
    res.json(await deps.policy.set(actorOf(res), added, routeOf(req)));
  });
  return r;
}

export const attachmentPolicyRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/attachment-policy', 'The file types citizens may send by e-mail and web form'],
  ['PUT /api/attachment-policy', 'Adds file types to the allow-list', { roles: 'admin', body }],
]);

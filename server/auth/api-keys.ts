import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyView } from '../contracts/views';
import { Router } from 'express';
import { IsNull } from 'typeorm';
import { z } from 'zod';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { actorOf, routeOf } from '../core/http/require-auth';
import { email, idParam, text } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { badRequest, notFound } from '../core/errors';
import { ApiKeyEntity, type ApiKey } from './entities';
import type { User } from './entities';
import type { UserRepository } from './users.repository';
import { describeRoutes } from '../core/http/openapi';

/** Keys carry a prefix so one is told from a session token without a database read. */
export const API_KEY_PREFIX = 'stk_';
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

const createBody = z.object({ name: text(191), userEmail: email.optional() }).strict();

/**
 * Long-lived keys for the machine account (integration), which cannot answer a TOTP prompt: an
 * admin creates, lists and revokes them. A key is shown once and stored only as its SHA-256 (it
 * is 32 random bytes, so a fast hash suffices); it works only while its account is an active
 * integration account.
 */
export class ApiKeys {
  constructor(private readonly deps: { db: Database; users: UserRepository; audit: AuditRepository; clock: () => Date }) {}

  private get repo() {
    return this.deps.db.dataSource.manager.getRepository(ApiKeyEntity);
  }

  async create(actor: Actor, input: { name: string; userEmail?: string }, route: string): Promise<{ id: number; key: string }> {
    assertAdmin(actor);
    const user = await this.machineAccount(input.userEmail);
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    return this.deps.db.transaction(async (m) => {
      const row = await m
        .getRepository(ApiKeyEntity)
        .save({ name: input.name, userId: user.id, keyHash: hashKey(key), createdBy: actor.id, createdAt: this.deps.clock(), revokedAt: null });
      await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'api_key', entityId: row.id, route }], m);
      return { id: row.id, key };
    });
  }

  /** The named integration account, or the only one there is when none is named. */
  private async machineAccount(userEmail?: string): Promise<User> {
    if (userEmail) {
      const user = await this.deps.users.byEmail(userEmail.toLowerCase());
      if (!user || user.role !== 'integration' || !user.active)
        throw badRequest('userEmail must name an active integration account', [{ path: ['userEmail'], message: 'not an active integration account' }]);
      return user;
    }
    const accounts = (await this.deps.users.byRole('integration')).filter((u) => u.active);
    if (accounts.length !== 1)
      throw badRequest('Name the integration account in userEmail', [{ path: ['userEmail'], message: `${accounts.length} integration accounts` }]);
    return accounts[0];
  }

  async list(actor: Actor): Promise<ApiKeyView[]> {
    assertAdmin(actor);
    const rows = await this.repo.find({ order: { id: 'ASC' } });
    const views: ApiKeyView[] = [];
    for (const r of rows) views.push(await this.view(r));
    return views;
  }

  private async view(r: ApiKey): Promise<ApiKeyView> {
    const user = await this.deps.users.byId(r.userId);
    return {
      id: r.id,
      name: r.name,
      userId: r.userId,
      userEmail: user?.email ?? '',
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
    };
  }

  async revoke(actor: Actor, id: number, route: string): Promise<void> {
    assertAdmin(actor);
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw notFound('API key');
    if (row.revokedAt) return;
    await this.deps.db.transaction(async (m) => {
      await m.getRepository(ApiKeyEntity).update({ id, revokedAt: IsNull() }, { revokedAt: this.deps.clock() });
      await this.deps.audit.record([{ userId: actor.id, action: 'delete', entityType: 'api_key', entityId: id, route }], m);
    });
  }

  /** The integration account behind a key, or null when the key is unknown or revoked, or its account no longer fits. */
  async userOf(key: string): Promise<{ user: User; keyId: number } | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const row = await this.repo.findOne({ where: { keyHash: hashKey(key), revokedAt: IsNull() } });
    if (!row) return null;
    const user = await this.deps.users.byId(row.userId);
    return user && user.active && user.role === 'integration' ? { user, keyId: row.id } : null;
  }
}

/** POST/GET /api-keys, DELETE /api-keys/:id: administrators manage the machine account's keys. */
export function apiKeyRoutes(deps: { keys: ApiKeys }): Router {
  const r = Router();
  r.post('/api-keys', async (req, res) => {
    const body = parse(createBody, req.body);
    res.status(201).json(await deps.keys.create(actorOf(res), body, routeOf(req)));
  });
  r.get('/api-keys', async (_req, res) => {
    res.json(await deps.keys.list(actorOf(res)));
  });
  r.delete('/api-keys/:id', async (req, res) => {
    await deps.keys.revoke(actorOf(res), parse(idParam, req.params.id), routeOf(req));
    res.status(204).end();
  });
  return r;
}

export const apiKeyRouteDocs = describeRoutes('users', 'bearer', [
  ['POST /api/api-keys', 'Creates an API key for the integration account (shown once)', { roles: 'admin', body: createBody, response: { status: 201 } }],
  ['GET /api/api-keys', 'The API keys, without their secrets', { roles: 'admin' }],
  ['DELETE /api/api-keys/:id', 'Revokes a key', { roles: 'admin', params: { id: idParam }, response: { status: 204, type: 'none' } }],
]);

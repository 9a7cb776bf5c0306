import { EntitySchema } from 'typeorm';
import type { Logger } from 'pino';
import type { AuditRepository } from './audit.repository';
import type { Database } from './db/database';
import { id } from './db/columns';
import { badRequest } from './errors';

/*
 * Every outbound hook (the archive push now, identity systems later) goes only to hosts an admin
 * has listed. A hook URL can be set by roles other than admin (records sets the archive), and
 * without a list its error texts made the server a scanner of the internal network. An archive on
 * the municipality's own network is normal, so a private address is fine once an admin lists it.
 */

export interface OutboundHost {
  id: number;
  host: string;
  addedBy: number | null;
  addedAt: Date;
}
export const OutboundHostEntity = new EntitySchema<OutboundHost>({
  name: 'OutboundHost',
  tableName: 'outbound_hosts',
  columns: {
    id,
    host: { type: String, length: 191 },
    addedBy: { type: Number, name: 'added_by', nullable: true },
    addedAt: { type: 'datetime', precision: 3, name: 'added_at' },
  },
});
export const outboundEntities = [OutboundHostEntity];

/** A host as listed and compared: lower case, without brackets, port or trailing dot. */
export function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** What a hook's caller may show to non-admin staff: nothing about what answered, or how. */
export class HookFailed extends Error {}

export class OutboundHooks {
  constructor(private readonly deps: { db: Database; audit: AuditRepository; clock: () => Date; logger: Logger }) {}

  private get repo() {
    return this.deps.db.dataSource.manager.getRepository(OutboundHostEntity);
  }

  async list(): Promise<{ host: string; addedAt: Date }[]> {
    return (await this.repo.find({ order: { host: 'ASC' } })).map((x) => ({ host: x.host, addedAt: x.addedAt }));
  }

  async add(host: string, actorId: number, route: string): Promise<void> {
    const h = normaliseHost(host);
    await this.deps.db.transaction(async (m) => {
      const repo = m.getRepository(OutboundHostEntity);
      if (await repo.findOneBy({ host: h })) return;
      await repo.insert({ host: h, addedBy: actorId, addedAt: this.deps.clock() });
      await this.deps.audit.record([{ userId: actorId, action: 'create', entityType: 'outbound_host', entityId: h, route }], m);
    });
  }

  async remove(host: string, actorId: number, route: string): Promise<boolean> {
    const h = normaliseHost(host);
    return this.deps.db.transaction(async (m) => {
      const r = await m.getRepository(OutboundHostEntity).delete({ host: h });
      if (!r.affected) return false;
      await this.deps.audit.record([{ userId: actorId, action: 'delete', entityType: 'outbound_host', entityId: h, route }], m);
      return true;
    });
  }

  async allows(url: string): Promise<boolean> {
    let host: string;
    try {
      host = normaliseHost(new URL(url).hostname);
    } catch {
      return false;
    }
    return Boolean(await this.repo.findOneBy({ host }));
  }

  /** For the API that sets a hook's URL: 400 unless an admin has listed its host. */
  async assertAllowed(url: string, field: string): Promise<void> {
    if (!(await this.allows(url))) {
      throw badRequest('This host is not on the list of hosts an admin allows hooks to reach', [{ path: [field], message: 'host not allowed' }]);
    }
  }

  /**
   * Sends one hook request. The list is checked again at send time (an admin may have removed the
   * host since the URL was set), redirects are refused (they could lead off the list), and a
   * failure says only "unreachable" or the class of the status; what answered is in the server log.
   */
  async post(what: string, url: string, init: { headers: Record<string, string>; body: string; timeoutMs?: number }): Promise<void> {
    await this.call(what, url, init, 0);
  }

  /**
   * As post, and answers the hook's JSON body (an identity system's new password), read up to
   * `maxBytes`; a body that is larger or not JSON is a failure like an unreachable hook. The body is
   * never logged: it may hold a secret.
   */
  async postForJson(
    what: string,
    url: string,
    init: { headers: Record<string, string>; body: string; timeoutMs?: number },
    maxBytes = 16 * 1024,
  ): Promise<unknown> {
    const text = await this.call(what, url, init, maxBytes);
    try {
      return JSON.parse(text);
    } catch {
      this.deps.logger.warn({ hook: what, host: safeHost(url) }, 'outbound hook answered something that is not JSON');
      throw new HookFailed(`${what} answered no JSON`);
    }
  }

  private async call(
    what: string,
    url: string,
    init: { headers: Record<string, string>; body: string; timeoutMs?: number },
    maxBytes: number,
  ): Promise<string> {
    if (!(await this.allows(url))) {
      this.deps.logger.warn({ hook: what, host: safeHost(url) }, 'outbound hook refused: host not on the allow-list');
      throw new HookFailed(`${what} host not allowed`);
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: init.headers,
        body: init.body,
        redirect: 'error',
        signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
      });
    } catch (err) {
      this.deps.logger.warn({ err, hook: what, host: safeHost(url) }, 'outbound hook unreachable');
      throw new HookFailed(`${what} unreachable`);
    }
    const ok = res.status >= 200 && res.status <= 299;
    const body = ok && maxBytes > 0 ? await readBounded(res, maxBytes) : (await res.arrayBuffer().catch(() => undefined), '');
    if (!ok) {
      this.deps.logger.warn({ hook: what, host: safeHost(url), status: res.status }, 'outbound hook refused the request');
      throw new HookFailed(`${what} answered ${Math.floor(res.status / 100)}xx`);
    }
    if (body === null) {
      this.deps.logger.warn({ hook: what, host: safeHost(url) }, 'outbound hook answer too large');
      throw new HookFailed(`${what} answered too much`);
    }
    return body;
  }
}

/** The body as text, or null past `max` bytes (the rest is not read). */
async function readBounded(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

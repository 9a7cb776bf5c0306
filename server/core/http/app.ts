import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { ChannelModule } from '../../inbound/contract';
import type { Database } from '../db/database';
import type { AdminService } from '../../auth/administration.service';
import type { AuthService } from '../../auth/auth.service';
import type { CaseService } from '../../register/cases.service';
import type { ContactService } from '../../register/contacts.service';
import type { InquiryService } from '../../register/inquiries.service';
import { requireAuth } from './require-auth';
import { errorHandler, notFoundHandler } from './errors';
import { adminRoutes } from '../../auth/administration.routes';
import { authRoutes } from '../../auth/auth.routes';
import { registerRoutes } from '../../register/routes';
import type { DepartmentRepository } from '../../register/departments.repository';

export interface AppDeps {
  db: Database;
  logger: Logger;
  auth: AuthService;
  admin: AdminService;
  cases: CaseService;
  contacts: ContactService;
  inquiries: InquiryService;
  departments: DepartmentRepository;
  channels: ChannelModule[];
  /** Staff API routes of cross-channel features (journal), mounted under /api behind the bearer-token check. */
  apiRouters?: express.Router[];
  /** Routes of later features (client, public pages) mounted before the 404 handler. */
  extraRouters?: { path: string; router: express.Router }[];
  isDraining?: () => boolean;
}

/** Builds the HTTP app from its dependencies; tests build it the same way on any database. */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Browser security headers for everything a browser loads; provider webhooks answer machines
  // (TwiML, JSON) and skip the ~15 headers per response on the busiest path.
  const secure = helmet();
  app.use((req, res, next) => (req.path.startsWith('/webhooks/') ? next() : secure(req, res, next)));

  app.get('/health', async (_req, res) => {
    let database = 'ok';
    try {
      await d.db.dataSource.query('SELECT 1');
    } catch {
      database = 'down';
    }
    const ok = database === 'ok' && !d.isDraining?.();
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      database,
      dialect: d.db.dialect,
      draining: Boolean(d.isDraining?.()),
      channels: Object.fromEntries(d.channels.map((c) => [c.channel, c.simulated ? 'simulated' : 'live'])),
    });
  });

  // Webhooks carry their own (form) parsers and signature checks; they are mounted before the JSON API.
  for (const c of d.channels) if (c.router) app.use(c.router);

  const api = express.Router();
  api.use(express.json({ limit: '200kb', strict: true }));
  api.use('/auth', authRoutes({ auth: d.auth }));
  api.use(requireAuth(d.auth));
  api.use(adminRoutes({ admin: d.admin, departments: d.departments }));
  api.use(registerRoutes({ cases: d.cases, contacts: d.contacts, inquiries: d.inquiries }));
  for (const c of d.channels) if (c.apiRouter) api.use(c.apiRouter);
  for (const x of d.apiRouters ?? []) api.use(x);
  api.use(notFoundHandler);
  app.use('/api', api);

  for (const x of d.extraRouters ?? []) app.use(x.path, x.router);

  app.use(notFoundHandler);
  app.use(errorHandler(d.logger));
  return app;
}

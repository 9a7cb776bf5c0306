import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from './migrations';
import { authEntities } from './server/auth/entities';
import { alertEntities } from './server/alerts/entities';
import { AlertCodeEntity } from './server/alerts/codes.entities';
import { AlertConsentEntity } from './server/alerts/consent.entities';
import { addressRegisterEntities } from './server/alerts/address-register.entities';
import { reminderEntities } from './server/alerts/reminders/entities';
import { rosterEntities } from './server/roster/entities';
import { auditEntities } from './server/core/audit.entities';
import { backupEntities } from './server/backups/entities';
import { jobEntities } from './server/core/jobs/job.entities';
import { outboundEntities } from './server/core/outbound-hooks';
import { dataSourceOptions, type Schema } from './server/core/db/options';
import { mailEntities } from './server/email/entities';
import { journalEntities } from './server/journal/entities';
import { registerEntities } from './server/register/entities';
import { smsEntities } from './server/sms/entities';
import { smsPolicyEntities } from './server/sms/policy.entities';
import { smsLimitEntities } from './server/sms/limits.entities';
import { smsSendEntities } from './server/sms/sends.entities';
import { voiceEntities } from './server/voice/entities';
import { webFormEntities } from './server/web-forms/entities';

/**
 * The whole schema: every feature's table mappings and the hand-written migrations. The server's
 * root opens the database with it, and the TypeORM CLI reads this file
 * (`npx tsx node_modules/typeorm/cli.js migration:show -d ormconfig.ts`).
 */
export const schema: Schema = {
  entities: [
    ...registerEntities,
    ...authEntities,
    ...auditEntities,
    ...outboundEntities,
    ...jobEntities,
    ...smsEntities,
    ...smsSendEntities,
    ...smsPolicyEntities,
    ...smsLimitEntities,
    ...voiceEntities,
    ...mailEntities,
    ...webFormEntities,
    ...journalEntities,
    ...alertEntities,
    AlertCodeEntity,
    AlertConsentEntity,
    ...addressRegisterEntities,
    ...reminderEntities,
    ...backupEntities,
    ...rosterEntities,
  ],
  migrations,
};

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL || 'sqlite:data/servicetorg.sqlite', schema));

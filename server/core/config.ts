import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { type CountryCode, getCountries } from 'libphonenumber-js';
import { isTimeZone, parseQuietHours, type QuietHours } from './local-time';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .url()
      .refine((v) => protocols.some((p) => v.startsWith(p)), {
        message: `must start with ${protocols.join(' or ')}`,
      })
      .optional(),
  );

const countries = new Set<string>(getCountries());

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Express's named subnets; anything else in a TRUST_PROXY list is an address or a CIDR range. */
const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (v: string) => {
  if (NAMED_SUBNETS.has(v)) return true;
  const [ip, bits, ...rest] = v.split('/');
  const family = net.isIP(ip);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

/** TRUST_PROXY as express's `trust proxy` takes it: true/false, a hop count, or a list of addresses, CIDRs and named subnets. */
export type TrustProxy = boolean | number | string[];
const parseTrustProxy = (v: string): TrustProxy => {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((p) => p.trim());
};

/**
 * Every setting Servicetorg reads, by the environment variable names fixed in MISSION.md.
 * Nothing below server/index.ts reads process.env; this schema is the one place that does.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    PUBLIC_BASE_URL: optionalUrl(['http://', 'https://']),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('sqlite:data/servicetorg.sqlite')
        .refine((v) => /^sqlite:.+/.test(v) || /^mysql:\/\/.+/.test(v) || /^mariadb:\/\/.+/.test(v), {
          message: 'must be sqlite:<path> or mysql://user:pass@host:3306/db',
        }),
    ),
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    TWILIO_ACCOUNT_SID: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits')
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_API_URL: optionalUrl(['http://', 'https://']),
    SMTP_URL: optionalUrl(['smtp://', 'smtps://']),
    IMAP_URL: optionalUrl(['imap://', 'imaps://']),
    GOOGLE_APPLICATION_CREDENTIALS: optionalString,
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.string().email().optional()),
    ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
    DEFAULT_COUNTRY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('NO')
        .refine((v) => countries.has(v), { message: 'must be an ISO 3166 country code such as NO' }),
    ),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    DEMO_DATA: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
    // Who may read /metrics: a scraper with this bearer token; without it, only this machine (loopback).
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').max(200).optional()),
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('loopback')
        .refine((v) => v === 'true' || v === 'false' || /^\d+$/.test(v) || v.split(',').every((p) => isProxyAddress(p.trim())), {
          message: 'must be true, false, a number of hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal',
        }),
    ),
    // The municipality's clock: recurring sends and quiet hours are stated in it.
    TIME_ZONE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .max(64)
        .default('Europe/Oslo')
        .refine((v) => isTimeZone(v), { message: 'must be an IANA time zone such as Europe/Oslo' }),
    ),
    // No bulk SMS in these local hours (held until they end); `off` for none.
    SMS_QUIET_HOURS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .max(16)
        .default('21:00-08:00')
        .refine((v) => parseQuietHours(v) !== undefined, { message: 'must be HH:MM-HH:MM (such as 21:00-08:00) or off' }),
    ),
    // Encrypted backups (issue 16): off unless the directory, its second location and the age
    // public key are all named. The private key (identity) is only for verification and restore.
    BACKUP_DIR: optionalString,
    BACKUP_COPY_DIR: optionalString,
    BACKUP_RECIPIENT: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^age1[02-9ac-hj-np-z]{58}$/, 'must be an age public key (age1…, from age-keygen)')
        .optional(),
    ),
    BACKUP_IDENTITY_FILE: optionalString,
    BACKUP_EVERY_HOURS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number()
        .min(0)
        .max(24 * 31)
        .default(24),
    ),
    BACKUP_VERIFY_EVERY_HOURS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number()
        .min(0)
        .max(24 * 31)
        .default(24),
    ),
    BACKUP_VERIFY_DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine((v) => /^sqlite:.+/.test(v) || /^(mysql|mariadb):\/\/.+/.test(v), { message: 'must be sqlite:<path> or mysql://user:pass@host:3306/db' })
        .optional(),
    ),
    TOKEN_TTL_HOURS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number()
        .positive()
        .max(24 * 30)
        .default(12),
    ),
    // The audit viewer flags a user who read at least this many citizens they have no inquiry with, in one period.
    AUDIT_UNUSUAL_READS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(20)),
  })
  .superRefine((c, ctx) => {
    // Twilio signs against this URL and citizens follow links to it: in production it must be named,
    // and plain http is only for a server reached on this machine.
    if (c.NODE_ENV === 'production' && !c.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'must be set in production (https://…)' });
    } else if (c.PUBLIC_BASE_URL) {
      const url = new URL(c.PUBLIC_BASE_URL);
      if (url.protocol === 'http:' && (c.NODE_ENV === 'production' || !LOOPBACK_HOSTS.has(url.hostname))) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_BASE_URL'],
          message: c.NODE_ENV === 'production' ? 'must be https in production' : 'must be https; plain http only for localhost, 127.0.0.1 or [::1]',
        });
      }
    }
    if (Boolean(c.TWILIO_ACCOUNT_SID) !== Boolean(c.TWILIO_AUTH_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set together or not at all',
      });
    }
    backupIssues(c).forEach((i) => ctx.addIssue({ code: 'custom', ...i }));
    if (Boolean(c.ADMIN_EMAIL) !== Boolean(c.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

type BackupVariables = Partial<
  Record<'BACKUP_DIR' | 'BACKUP_COPY_DIR' | 'BACKUP_RECIPIENT' | 'BACKUP_IDENTITY_FILE' | 'BACKUP_VERIFY_DATABASE_URL', string>
> & { DATABASE_URL: string };

/** Backups are on with all three of BACKUP_DIR, BACKUP_COPY_DIR and BACKUP_RECIPIENT, or off; half a setting is a mistake. */
function backupIssues(c: BackupVariables): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const named = (['BACKUP_DIR', 'BACKUP_COPY_DIR', 'BACKUP_RECIPIENT'] as const).filter((k) => c[k]);
  if (named.length && named.length < 3)
    issues.push({
      path: [named.length ? 'BACKUP_DIR' : 'BACKUP_RECIPIENT'],
      message: 'BACKUP_DIR, BACKUP_COPY_DIR and BACKUP_RECIPIENT are set together or not at all',
    });
  if (c.BACKUP_DIR && c.BACKUP_COPY_DIR && path.resolve(c.BACKUP_DIR) === path.resolve(c.BACKUP_COPY_DIR))
    issues.push({ path: ['BACKUP_COPY_DIR'], message: 'must be a second location, not BACKUP_DIR itself' });
  if (c.BACKUP_IDENTITY_FILE && !fs.existsSync(c.BACKUP_IDENTITY_FILE)) issues.push({ path: ['BACKUP_IDENTITY_FILE'], message: 'no such file' });
  const v = c.BACKUP_VERIFY_DATABASE_URL;
  if (v && v.replace(/^mariadb:/, 'mysql:') === c.DATABASE_URL.replace(/^mariadb:/, 'mysql:'))
    issues.push({ path: ['BACKUP_VERIFY_DATABASE_URL'], message: 'must be a scratch database, never DATABASE_URL' });
  if (v && v.startsWith('sqlite:') !== c.DATABASE_URL.startsWith('sqlite:'))
    issues.push({ path: ['BACKUP_VERIFY_DATABASE_URL'], message: 'must be on the same engine as DATABASE_URL' });
  if (c.BACKUP_IDENTITY_FILE && !v && !c.DATABASE_URL.startsWith('sqlite:'))
    issues.push({ path: ['BACKUP_VERIFY_DATABASE_URL'], message: 'must name an empty scratch database when BACKUP_IDENTITY_FILE is set on MariaDB' });
  return issues;
}

/** Encrypted backups (server/backups), when configured. */
export interface BackupSettings {
  /** Where each backup is written first. */
  directory: string;
  /** The second location every backup is copied to (the backup server's mount). */
  copyDirectory: string;
  /** The age public key backups are encrypted to. */
  recipient: string;
  /** The age private key, only where verification runs; the server that only makes backups has none. */
  identityFile?: string;
  /** A backup every so often in the worker (0: only `npm run backup`). */
  everyMs: number;
  /** Verification every so often where the identity is (0: never); also when a verification counts as overdue. */
  verifyEveryMs: number;
  /** The empty scratch database verification restores into (default on SQLite: a temporary file). */
  verifyDatabaseUrl?: string;
}

export interface Config {
  env: RawConfig['NODE_ENV'];
  port: number;
  publicBaseUrl: string;
  databaseUrl: string;
  redisUrl?: string;
  twilio?: { accountSid: string; authToken: string; apiUrl?: string };
  smtpUrl?: string;
  imapUrl?: string;
  googleCredentials?: string;
  firstAdmin?: { email: string; password: string };
  defaultCountry: CountryCode;
  logLevel: RawConfig['LOG_LEVEL'];
  /** Demo data and the demo accounts: DEMO_DATA=on, or `auto` on the embedded SQLite database outside production. */
  demoData: boolean;
  /**
   * Demo mode, decided here only: channels without credentials run their local simulations
   * (SMS simulator, in-memory mail, the call simulator and its public signing token). Never in
   * production; elsewhere only with demo data. Outside it such a channel is not configured and its
   * sends fail with the reason.
   */
  simulateProviders: boolean;
  trustProxy: TrustProxy;
  /** The bearer token /metrics takes (METRICS_TOKEN); unset: /metrics answers only loopback clients. */
  metricsToken?: string;
  tokenTtlMs: number;
  /** IANA zone of the municipality (TIME_ZONE, default Europe/Oslo). */
  timeZone: string;
  /** Local hours without bulk SMS (SMS_QUIET_HOURS, default 21:00–08:00); null when off. */
  quietHours: QuietHours | null;
  /** Encrypted backups; absent when BACKUP_DIR, BACKUP_COPY_DIR and BACKUP_RECIPIENT are not set. */
  backups?: BackupSettings;
  /** Citizens without an inquiry of theirs one user may read in a period before the audit viewer flags it (AUDIT_UNUSUAL_READS, default 20). */
  auditUnusualReads: number;
}

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const demoData = c.DEMO_DATA === 'on' || (c.DEMO_DATA === 'auto' && c.NODE_ENV !== 'production' && c.DATABASE_URL.startsWith('sqlite:'));
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    publicBaseUrl: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    twilio:
      c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN ? { accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, apiUrl: c.TWILIO_API_URL } : undefined,
    smtpUrl: c.SMTP_URL,
    imapUrl: c.IMAP_URL,
    googleCredentials: c.GOOGLE_APPLICATION_CREDENTIALS,
    firstAdmin: c.ADMIN_EMAIL && c.ADMIN_PASSWORD ? { email: c.ADMIN_EMAIL, password: c.ADMIN_PASSWORD } : undefined,
    defaultCountry: c.DEFAULT_COUNTRY as CountryCode,
    logLevel: c.LOG_LEVEL,
    demoData,
    simulateProviders: demoData && c.NODE_ENV !== 'production',
    trustProxy: parseTrustProxy(c.TRUST_PROXY),
    metricsToken: c.METRICS_TOKEN,
    tokenTtlMs: c.TOKEN_TTL_HOURS * 3600_000,
    timeZone: c.TIME_ZONE,
    quietHours: parseQuietHours(c.SMS_QUIET_HOURS) ?? null,
    backups:
      c.BACKUP_DIR && c.BACKUP_COPY_DIR && c.BACKUP_RECIPIENT
        ? {
            directory: c.BACKUP_DIR,
            copyDirectory: c.BACKUP_COPY_DIR,
            recipient: c.BACKUP_RECIPIENT,
            identityFile: c.BACKUP_IDENTITY_FILE,
            everyMs: c.BACKUP_EVERY_HOURS * 3600_000,
            verifyEveryMs: c.BACKUP_VERIFY_EVERY_HOURS * 3600_000,
            verifyDatabaseUrl: c.BACKUP_VERIFY_DATABASE_URL,
          }
        : undefined,
    auditUnusualReads: c.AUDIT_UNUSUAL_READS,
  };
}

/** The process's environment, with a `.env` file in the working directory filling in what it lacks. */
export function loadConfigFromEnvironment(): Config {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}

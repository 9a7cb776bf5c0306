import { authenticator } from 'otplib';
import { loadConfig } from '../../server/core/config';
import { compose, type ComposeOptions, type Composed } from '../../server/index';
import { createLogger } from '../../server/core/logger';
import { hashPassword } from '../../server/auth/passwords';
import type { Role } from '../../server/contracts/names';
import { TOTP_REQUIRED } from '../../server/contracts/access';
import type { Engine } from './engines';

export const TEST_PASSWORD = 'correct-horse-battery';
/** Low scrypt cost for fixtures only, so suites do not spend seconds hashing. */
export const TEST_PASSWORD_COST = 10;

export interface TestServer {
  url: string;
  database: { url: string; drop(): Promise<void> };
  app: Composed;
  /** JSON request against the running server. */
  api(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  login(email: string, password?: string): Promise<string>;
  /** Creates a user directly (bypassing the admin API) and returns a token for them; roles in TOTP_REQUIRED enrol unless `totp: false`. */
  user(
    email: string,
    role: Role,
    departments: string[],
    opts?: { totp?: boolean },
  ): Promise<{ id: number; token: string; secret?: string; /** The TOTP code the login used. */ usedCode?: string }>;
  department(code: string, menuDigit?: number | null): Promise<number>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** `database` reuses one made earlier (a restart); `keepDatabase` leaves it for the next server to open. */
export async function startServer(
  engine: Engine,
  opts: ComposeOptions & { env?: Record<string, string>; database?: TestServer['database']; keepDatabase?: boolean } = {},
): Promise<TestServer> {
  const database = opts.database ?? (await engine.create());
  // Demo mode by default: channels without credentials run their simulations, which most suites
  // drive (no demo data is seeded; that happens in main.ts). Suites about the real deployment say
  // DEMO_DATA: 'off' or NODE_ENV: 'production' and get channels that are not configured.
  // Quiet hours off unless a suite asks for them: suites run at any hour of the day.
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DEMO_DATA: 'on',
    SMS_QUIET_HOURS: 'off',
    ...opts.env,
  });
  const app = await compose(config, { logger: createLogger('silent'), passwordCost: TEST_PASSWORD_COST, ...opts });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);

  const api: TestServer['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  const login = async (email: string, password = TEST_PASSWORD) => {
    const r = await api('POST', '/api/auth/login', { body: { email, password } });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };

  const department = async (code: string, menuDigit: number | null = null) => {
    const existing = await app.register.departments.byCode(code);
    if (existing) return existing.id;
    const d = await app.db.transaction((m) => app.register.departments.create({ code, name: code.toUpperCase(), menuDigit }, m));
    return d.id;
  };

  const user: TestServer['user'] = async (email, role, departments, o = {}) => {
    const ids: number[] = [];
    for (const code of departments) ids.push(await department(code));
    const u = await app.db.transaction((m) => app.auth.users.create({ email, name: email.split('@')[0], passwordHash, role, departmentIds: ids }, m));
    let secret: string | undefined;
    // Roles that must enrol get an authenticator, as they would have to before their token did anything.
    if (o.totp ?? TOTP_REQUIRED.includes(role)) {
      secret = authenticator.generateSecret(20);
      await app.db.transaction((m) => app.auth.users.update(u.id, { totpSecret: secret, totpEnabled: true }, m));
      const usedCode = authenticator.generate(secret);
      const r = await api('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD, totp: usedCode } });
      if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
      return { id: u.id, token: r.body.token, secret, usedCode };
    }
    return { id: u.id, token: await login(email) };
  };

  return {
    url,
    database,
    app,
    api,
    login,
    user,
    department,
    count: async (table) => Number((await app.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n),
    async close() {
      await app.close();
      if (!opts.keepDatabase) await database.drop();
    },
  };
}

import { ConfigError, loadConfig } from '../../server/core/config';

describe('configuration', () => {
  it('defaults to SQLite, port 3000 and Norway, with simulation for every provider', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:data/servicetorg.sqlite',
      publicBaseUrl: 'http://localhost:3000',
      defaultCountry: 'NO',
      demoData: true,
    });
    expect(c.twilio).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://127.0.0.1' }, 'REDIS_URL'],
    [{ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 't' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` }, 'TWILIO_AUTH_TOKEN'],
    [{ SMTP_URL: 'mail.example.org' }, 'SMTP_URL'],
    [{ ADMIN_EMAIL: 'not-an-address', ADMIN_PASSWORD: 'long-enough-pw' }, 'ADMIN_EMAIL'],
    [{ DEFAULT_COUNTRY: 'XX' }, 'DEFAULT_COUNTRY'],
  ])('a bad value stops start-up naming the variable: %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}: `, 'm'));
  });

  it('reads MariaDB, Redis and Twilio settings', () => {
    const c = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'secret',
      PUBLIC_BASE_URL: 'https://kommune.example/',
      NODE_ENV: 'production',
    });
    expect(c.publicBaseUrl).toBe('https://kommune.example');
    expect(c.twilio).toEqual({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'secret', apiUrl: undefined });
    expect(c.demoData).toBe(false);
  });
});

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
      simulateProviders: true,
      trustProxy: ['loopback'],
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
    [{ NODE_ENV: 'production' }, 'PUBLIC_BASE_URL'],
    [{ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://servicetorg.kommune.no' }, 'PUBLIC_BASE_URL'],
    [{ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost:3000' }, 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'http://servicetorg.kommune.no' }, 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'http://10.0.0.5:3000' }, 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'ftp://servicetorg.kommune.no' }, 'PUBLIC_BASE_URL'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'loopback, 300.1.1.1' }, 'TRUST_PROXY'],
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

  describe('DEMO_DATA', () => {
    it.each([
      ['auto on the embedded SQLite default', {}, true],
      ['auto on another SQLite file', { DATABASE_URL: 'sqlite:/tmp/x.sqlite' }, true],
      ['auto on MariaDB', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/st' }, false],
      ['auto on MariaDB in development', { DATABASE_URL: 'mariadb://root@127.0.0.1:3306/st', NODE_ENV: 'development' }, false],
      ['auto in production on SQLite', { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://st.kommune.no' }, false],
      ['on with MariaDB', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/st', DEMO_DATA: 'on' }, true],
      ['off on SQLite', { DEMO_DATA: 'off' }, false],
    ])('%s', (_label, env: Record<string, string>, on) => {
      const c = loadConfig(env);
      expect(c.demoData).toBe(on);
      expect(c.simulateProviders).toBe(on);
    });

    it('never simulates providers in production, even with DEMO_DATA=on', () => {
      const c = loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://st.kommune.no', DEMO_DATA: 'on' });
      expect(c.demoData).toBe(true);
      expect(c.simulateProviders).toBe(false);
    });
  });

  describe('PUBLIC_BASE_URL', () => {
    it.each(['http://localhost:3000', 'http://127.0.0.1:8080/', 'http://[::1]:3000', 'https://servicetorg.kommune.no'])(
      'takes %s outside production',
      (url) => {
        expect(loadConfig({ PUBLIC_BASE_URL: url }).publicBaseUrl).toBe(url.replace(/\/$/, ''));
      },
    );

    it('takes https in production', () => {
      expect(loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://servicetorg.kommune.no' }).publicBaseUrl).toBe('https://servicetorg.kommune.no');
    });

    it('says what production needs', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('PUBLIC_BASE_URL: must be set in production');
      expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://st.kommune.no' })).toThrow('PUBLIC_BASE_URL: must be https in production');
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['true', true],
      ['false', false],
      ['2', 2],
      ['loopback', ['loopback']],
      ['10.0.0.0/8, 192.168.1.7', ['10.0.0.0/8', '192.168.1.7']],
      ['loopback,uniquelocal,fd00::/8', ['loopback', 'uniquelocal', 'fd00::/8']],
    ])('%s', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
    });
  });
});

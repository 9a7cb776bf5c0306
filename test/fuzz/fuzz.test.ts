import { createHash } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { PUBLIC_BASE_URL, STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN } from '../support/twilio-standin';
import { routesOf, type RouteInfo } from './routes';

/*
 * R6: generated bodies against every webhook, every public endpoint and every /api write route
 * the running app answers (found by walking its router, so a new route is fuzzed without being
 * listed here). Wrong types, missing and extra fields, huge strings, control characters, broken
 * encodings, duplicate keys, signed and unsigned. No answer may be a 5xx, every 4xx must be the
 * documented error shape, and a refused body must leave every table as it was.
 *
 * FUZZ_RUNS sets the bodies per engine (CI: 10,000 on each); `npm run fuzz` runs more.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** Counters that count refused attempts on purpose (rate limits, log-in throttling). */
const COUNTERS = new Set(['rate_limits', 'migrations']);

/** Field names our schemas and Twilio's forms use, so generated objects reach past "unknown field". */
const KEYS = [
  'email',
  'password',
  'totp',
  'token',
  'name',
  'role',
  'departments',
  'departmentId',
  'department',
  'code',
  'menuDigit',
  'caseNumber',
  'status',
  'title',
  'contacts',
  'phone',
  'text',
  'body',
  'to',
  'from',
  'subject',
  'state',
  'assigneeId',
  'note',
  'recipients',
  'scheduledAt',
  'approve',
  'reason',
  'host',
  'added',
  'roles',
  'slug',
  'fields',
  'sid',
  'lang',
  'From',
  'To',
  'Body',
  'MessageSid',
  'SmsSid',
  'AccountSid',
  'MessageStatus',
  'ErrorCode',
  'CallSid',
  'CallStatus',
  'Digits',
  'SpeechResult',
  'NumMedia',
  'QueueResult',
  'Caller',
];

const PATH_VALUES = ['1', '2', '0', '-1', '99999999999999999999', 'abc', '1.5', '%00', '%E0%A4%A', 'x'.repeat(300), '..%2F..%2Fetc'];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '<script>', "'; DROP TABLE users; --", "\\'", '+4791234567', 'a@b.no', 'x'.repeat(5000)),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: text },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);
const knownObject = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, fc.string({ maxLength: 10 })), value, { maxKeys: 8 });

/** A request body as bytes and the content type it is sent with. */
type Body = { bytes: Buffer | null; contentType: string | null; params?: Record<string, string> };

const asForm = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]));

const body: fc.Arbitrary<Body> = fc.oneof(
  knownObject.map((o) => ({ bytes: Buffer.from(JSON.stringify(o)), contentType: 'application/json' })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ bytes: Buffer.from(JSON.stringify(v) ?? 'null'), contentType: 'application/json' })),
  fc
    .tuple(fc.constantFrom(...KEYS), value, value)
    .map(([k, a, b]) => ({ bytes: Buffer.from(`{"${k}":${JSON.stringify(a) ?? 1},"${k}":${JSON.stringify(b) ?? 2}}`), contentType: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ bytes: Buffer.from(s), contentType: 'application/json' })),
  fc.uint8Array({ maxLength: 300 }).map((a) => ({ bytes: Buffer.from(a), contentType: 'application/json; charset=utf-8' })),
  fc.constant({ bytes: Buffer.from(`{"text":"${'x'.repeat(300_000)}"}`), contentType: 'application/json' }),
  knownObject.map((o) => {
    const params = asForm(o);
    return { bytes: Buffer.from(new URLSearchParams(params).toString()), contentType: 'application/x-www-form-urlencoded', params };
  }),
  fc.uint8Array({ maxLength: 300 }).map((a) => ({ bytes: Buffer.from(a), contentType: 'multipart/form-data; boundary=XyZ' })),
  knownObject.map((o) => ({
    bytes: Buffer.from(
      Object.entries(asForm(o))
        .map(([k, v]) => `--XyZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('') + '--XyZ--\r\n',
    ),
    contentType: 'multipart/form-data; boundary=XyZ',
  })),
  fc.constantFrom<Body>(
    { bytes: null, contentType: null },
    { bytes: Buffer.from(''), contentType: 'application/json' },
    { bytes: Buffer.from('x'), contentType: 'text/plain' },
  ),
);

const isWrite = (r: RouteInfo) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method);
const targets = (routes: RouteInfo[]) =>
  routes.filter(
    (r) => (r.path.startsWith('/api/') && isWrite(r)) || r.path.startsWith('/webhooks/') || r.path.startsWith('/public/') || r.path === '/simulator',
  );

const ERROR_SHAPE = (b: unknown) =>
  typeof b === 'object' &&
  b !== null &&
  typeof (b as { error?: { code?: unknown } }).error?.code === 'string' &&
  typeof (b as { error: { message?: unknown } }).error.message === 'string';

describe.each(engines())('fuzzing every write route on $name', (engine) => {
  let s: TestServer;
  let routes: RouteInfo[];
  let tables: string[];
  const tokens: Record<string, string | undefined> = {};

  beforeAll(async () => {
    s = await startServer(engine, {
      env: { TWILIO_ACCOUNT_SID: STANDIN_ACCOUNT_SID, TWILIO_AUTH_TOKEN: STANDIN_AUTH_TOKEN, TWILIO_API_URL: 'http://127.0.0.1:9', PUBLIC_BASE_URL },
    });
    tokens.admin = (await s.user('admin@kommune.no', 'admin', ['helse'])).token;
    tokens.agent = (await s.user('agent@kommune.no', 'agent', ['helse'])).token;
    tokens.none = undefined;
    tokens.forged = 'not-a-token';
    routes = targets(routesOf(s.app.http as unknown as Parameters<typeof routesOf>[0]));
    tables = s.app.db.dataSource.entityMetadatas.map((m) => m.tableName).filter((t) => !COUNTERS.has(t));
  }, 60_000);
  afterAll(() => s?.close());

  /** Every table's rows, hashed: equal before and after means nothing was written. */
  async function fingerprint(): Promise<string> {
    // MariaDB checksums every table's rows in one statement; SQLite is read in process.
    if (engine.name === 'mariadb') return JSON.stringify(await s.app.db.dataSource.query(`CHECKSUM TABLE ${tables.join(', ')} EXTENDED`));
    const dumps = await Promise.all(tables.map((t) => s.app.db.dataSource.query(`SELECT * FROM ${t}`) as Promise<unknown[]>));
    const hash = createHash('sha256');
    dumps.forEach((rows, i) => hash.update(tables[i]).update(JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))));
    return hash.digest('hex');
  }

  it('finds the routes to fuzz', () => {
    // A positive control: if route discovery broke, the property below would pass on nothing.
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /webhooks/twilio/sms', 'POST /api/auth/login', 'PUT /api/cases/:caseNumber']));
    expect(routes.length).toBeGreaterThan(30);
  });

  it('sees a write in the fingerprint', async () => {
    // The other positive control: a refused body that wrote one row would be caught.
    const before = await fingerprint();
    await s.department('fuzz-control');
    expect(await fingerprint()).not.toBe(before);
  });

  it(
    `answers ${RUNS} generated bodies with no 5xx, the error shape on every 4xx, and nothing written when refused`,
    async () => {
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          body,
          fc.constantFrom('admin', 'agent', 'none', 'forged'),
          fc.array(fc.constantFrom(...PATH_VALUES), { minLength: 4, maxLength: 4 }),
          fc.constantFrom('signed', 'unsigned', 'wrong'),
          async (route, b, who, pathValues, signing) => {
            let i = 0;
            const path = route.path.replace(/[:*][A-Za-z_]\w*/g, () => pathValues[i++ % pathValues.length]);
            const headers: Record<string, string> = {};
            if (b.contentType) headers['content-type'] = b.contentType;
            const token = tokens[who];
            if (token && path.startsWith('/api/')) headers.authorization = `Bearer ${token}`;
            if (path.startsWith('/webhooks/') && signing !== 'unsigned')
              headers['x-twilio-signature'] =
                signing === 'signed' ? twilio.getExpectedTwilioSignature(STANDIN_AUTH_TOKEN, PUBLIC_BASE_URL + path, b.params ?? {}) : 'AAAA';
            const before = await fingerprint();
            const res = await fetch(s.url + path, {
              method: route.method,
              headers,
              body: route.method === 'GET' || !b.bytes ? undefined : new Uint8Array(b.bytes),
            });
            const raw = await res.text();
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            const where = `${route.method} ${path} (${b.contentType}, ${who}, ${signing}) → ${res.status} ${raw.slice(0, 200)}`;
            if (res.status >= 500) throw new Error(`server error: ${where}`);
            if (res.status >= 400) {
              let parsed: unknown = null;
              try {
                parsed = JSON.parse(raw);
              } catch {
                /* checked below */
              }
              // Citizens' pages answer a browser's GET with a page in their language (the README's web forms); everything else in the shape.
              const page = route.method === 'GET' && (res.headers.get('content-type') ?? '').startsWith('text/html');
              if (!page && !ERROR_SHAPE(parsed)) throw new Error(`not the error shape: ${where}`);
              if ((await fingerprint()) !== before) throw new Error(`refused but wrote: ${where}`);
            }
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Most bodies are refused, and some reach a handler: both sides were exercised.
      const refused = [...seen].filter(([st]) => st >= 400).reduce((n, [, c]) => n + c, 0);
      expect(refused).toBeGreaterThan(RUNS / 2);
    },
    30 * 60_000,
  );
});

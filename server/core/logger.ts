import pino, { type Logger } from 'pino';
import { maskContacts, serializeError } from './log-redaction';
import { currentRequestId } from './request-context';

/**
 * Structured JSON logs. Citizen data stays out: bodies, numbers and addresses are redacted
 * wherever they appear under these keys; errors are logged by the fields we choose (no SQL, no
 * parameters); and any number or e-mail address left in a finished line is masked on the way out.
 * A line written while a request is served carries its id (`reqId`), the one X-Request-Id echoes.
 * Without a destination the lines go to stdout in batches (see stdoutLines).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'servicetorg' },
      redact: {
        paths: ['body', '*.body', 'password', '*.password', 'token', '*.token', 'req.headers.authorization', 'from', 'to', '*.from', '*.to'],
        censor: '[redacted]',
      },
      serializers: { err: serializeError, error: serializeError, reason: serializeError },
      hooks: { streamWrite: maskContacts },
      // Every line written while a request is served names it, whoever writes it.
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    destination ?? stdoutLines(),
  );
}

/**
 * stdout, written in batches of about 4 kB and at least once a second, instead of one blocking
 * write per line: a call's four access lines were a measurable share of its CPU (issue 13). A line
 * waits at most a second; pino writes what is left when the process exits, also on a crash that
 * exits; only a kill -9 can lose the last second.
 */
function stdoutLines(): pino.DestinationStream {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      out.flush();
    } catch {
      // Closed at exit: nothing left to write.
    }
  }, 1000).unref();
  return out;
}

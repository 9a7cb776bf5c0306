import pino, { type Logger } from 'pino';
import { maskContacts, serializeError } from './log-redaction';
import { currentRequestId } from './request-context';

/**
 * Structured JSON logs. Citizen data stays out: bodies, numbers and addresses are redacted
 * wherever they appear under these keys; errors are logged by the fields we choose (no SQL, no
 * parameters); and any number or e-mail address left in a finished line is masked on the way out.
 * A line written while a request is served carries its id (`reqId`), the one X-Request-Id echoes.
 * Without a destination the lines go to stdout asynchronously: lines written while one write is
 * under way leave together in the next, instead of one blocking write per line (a call's access
 * lines were a share of its CPU, issue 13); pino flushes what is left when the process exits.
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
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

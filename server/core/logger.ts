import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Citizen data stays out: bodies, numbers and addresses are redacted
 * wherever they appear under these keys.
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
    },
    destination,
  );
}

// pino JSON logger for the gateway. Tokens, Authorization headers and keys are redacted wherever they appear
// in a logged object; tests pass their own destination to read what was logged.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'auth.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'handshake.auth',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

export function createLogger(level: string, destination?: DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  const options = { level, base: { service: 'gateway' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  // LOG_FORMAT=pretty: human-readable lines for local development (pino-pretty in a worker thread).
  if (format === 'pretty') return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(options);
}

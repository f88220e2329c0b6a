// pino JSON logger for the gateway. Tokens, Authorization headers and keys are redacted wherever they appear
// in a logged object; tests pass their own destination to read what was logged. On stdout, lines are written
// asynchronously and in batches: lines gather until 4 KiB are waiting (or 100 ms have passed, or the write in
// flight is done and more than that is waiting), so under load about fifteen access lines cost one write, where a
// write per line cost a syscall and a thread-pool round trip each (about a tenth of the node's CPU per prompt in
// `pnpm bench`). pino flushes what is left synchronously when the process exits; a SIGKILL loses at most the
// last 100 ms of lines.
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

/** stdout lines wait until this many bytes are pending, or for STDOUT_FLUSH_MS at most. */
const STDOUT_BATCH_BYTES = 4096;
const STDOUT_FLUSH_MS = 100;

export function createLogger(level: string, destination?: DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  const options = { level, base: { service: 'gateway' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  // LOG_FORMAT=pretty: human-readable lines for local development (pino-pretty in a worker thread).
  if (format === 'pretty') return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(options, pino.destination({ dest: 1, sync: false, minLength: STDOUT_BATCH_BYTES, periodicFlush: STDOUT_FLUSH_MS }));
}

/**
 * A logger for lines whose fields are a fixed schema with no secret in it (the per-request access line: ids,
 * account, tool, code, duration). It skips the redaction pass, which costs more than the rest of such a line.
 * Never log caller-supplied objects, errors or payloads through it.
 */
export function fixedFieldLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

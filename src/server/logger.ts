/**
 * The webhook's pino logger: JSON lines, ISO time, written asynchronously in 4 KiB batches (a write per
 * review costs more than the review under load) and flushed at least every `flushMs`, and on exit.
 */
import pino, { type Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** a file descriptor or path; stdout by default */
  dest?: number | string;
  /** or any writable stream (tests, an injected Io) */
  stream?: NodeJS.WritableStream;
  flushMs?: number;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options = { level: opts.level ?? 'info', base: { name: 'btls-webhook' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.stream) return pino(options, opts.stream);
  const destination = pino.destination({ dest: opts.dest ?? 1, sync: false, minLength: 4096 });
  const logger = pino(options, destination);
  const timer = setInterval(() => destination.flush(), opts.flushMs ?? 1000);
  timer.unref();
  return logger;
}

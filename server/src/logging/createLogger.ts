import { pino, type Logger } from 'pino';

/**
 * Paths never written to logs: credentials and anything a citizen could be identified by.
 * Log ids (callId, kioskId, staffId, socketId), never names, codes or tokens.
 */
const REDACT = [
  'token',
  '*.token',
  'auth',
  '*.auth',
  'password',
  '*.password',
  'checkInCode',
  '*.checkInCode',
  'credential',
  '*.credential',
  'iceServers',
  '*.iceServers',
  'req.headers.cookie',
  'req.headers.authorization',
  'handshake.auth',
];

export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    base: { service: 'visio-server' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  });
}

export type { Logger };

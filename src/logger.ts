// One structured log format for every process. Log ids, never emails or names.
import pino from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'zoom-registrations' } });

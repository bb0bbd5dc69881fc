import type { LoggerOptions } from 'pino';
import { stdTimeFunctions } from 'pino';
import { PinoLogger } from 'nestjs-pino';
import { redactDeep } from './redact';

/**
 * The one shape of every log line: pino's JSON with string level names (`"level":"info"`) and
 * ISO `time`; security events at a level of their own that prints as `"level":"SECURITY"`, the
 * value the SIEM reads. LOG_FORMAT=pretty prints the same records through pino-pretty.
 */
export const SECURITY_LEVEL = 'security';
const CUSTOM_LEVELS = { [SECURITY_LEVEL]: 45 };

export type LogFormat = 'json' | 'pretty';

export function logShape(level: string, format: LogFormat): LoggerOptions {
  const shared = {
    level,
    // pino-http's types know no custom level; the logger has it at run time.
    customLevels: CUSTOM_LEVELS as LoggerOptions['customLevels'],
    timestamp: stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    return {
      ...shared,
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
      transport: {
        target: 'pino-pretty',
        options: {
          customLevels: 'security:45',
          useOnlyCustomProps: false,
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
        },
      },
    };
  }
  return {
    ...shared,
    formatters: {
      level: (label) => ({ level: label === SECURITY_LEVEL ? 'SECURITY' : label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
  };
}

/** A security event as a record of the app's logger (its own `level` is the record's). */
export function logSecurityEvent(record: object): void {
  const { level: _level, ...fields } = record as { level?: unknown };
  const root = PinoLogger.root as PinoLogger['logger'] & {
    [SECURITY_LEVEL]?: (object: object, msg: string) => void;
  };
  if (root?.[SECURITY_LEVEL]) return root[SECURITY_LEVEL](fields, 'security event');
  // No app logger (a one-off command, a unit test): the same record, written by hand.
  process.stdout.write(
    `${JSON.stringify({ level: 'SECURITY', time: new Date().toISOString(), ...fields, msg: 'security event' })}\n`,
  );
}

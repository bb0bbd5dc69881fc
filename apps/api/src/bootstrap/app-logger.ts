import type { LoggerService } from '@nestjs/common';

/** Nest's start-up chatter: one line per module and per route, ~100 lines before the banner. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * The app's logger (nestjs-pino's) with Nest's start-up chatter sent to debug, so at the
 * default level the start banner is the first record an operator sees, not the 101st.
 */
export function quietStartUp(logger: LoggerService): LoggerService {
  const log = logger.log.bind(logger);
  const debug = (logger.debug ?? logger.log).bind(logger);
  return Object.assign(Object.create(logger) as LoggerService, {
    log(message: unknown, ...optionalParams: unknown[]): void {
      const context = optionalParams[optionalParams.length - 1];
      if (typeof context === 'string' && START_UP_CONTEXTS.has(context))
        debug(message, ...optionalParams);
      else log(message, ...optionalParams);
    },
  });
}
